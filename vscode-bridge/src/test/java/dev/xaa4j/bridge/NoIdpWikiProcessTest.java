package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.WikiSignInProcessTest.listChanged;
import static dev.xaa4j.bridge.WikiSignInProcessTest.response;
import static dev.xaa4j.bridge.WikiSignInProcessTest.send;
import static dev.xaa4j.bridge.XaaProcess.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.testing.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11 (gaps, items 1 and 2) end to end, in real processes, with no {@code xaa idp} at all (xaa in place of
 * mcp-remote): {@code xaa server add wiki URL} (the sample issuer's plain-OAuth {@code wiki}), {@code xaa bridge
 * wiki} answers "Sign in to wiki" (not "not set up"), {@code xaa login} alone says there is no identity provider,
 * {@code xaa status} shows no company sign-in but the server, {@code xaa login wiki} signs in in its own process
 * (no agent, no broker), and the running bridge finds the grant in the keyring, connects and sends
 * {@code tools/list_changed}. No token byte on any output.
 */
@Tag("slow")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class NoIdpWikiProcessTest extends KeyringIssuer {

    @Test
    void serversAloneAreASetUpAndABridgeHearsOfASignInInAnotherProcessWithoutABroker() throws Exception {
        Path home = dir.resolve("no-idp");
        XaaProcess xaa = XaaProcess.in(home);
        ok(xaa.run("server", "add", "wiki", issuer.oauthServers().get("wiki").toString()));

        Path err = home.resolve("bridge.err");
        ProcessBuilder pb = new ProcessBuilder(xaa.command("bridge", "wiki", "--no-initialize-cache")).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(xaa.env());
        pb.environment().remove("BROWSER"); // a bridge that tried to open one would have none
        Process bridge = Processes.start(pb);
        try {
            List<String> lines = stdout(bridge);
            OutputStream in = bridge.getOutputStream();
            send(in, BridgeHarness.initialize(1));
            response(lines, 1);
            send(in, BridgeHarness.initialized());
            send(in, BridgeHarness.call(2, "list_pages", "{}"));
            JsonNode error = response(lines, 2).path("error");
            assertThat(error.path("code").asInt()).as(error.toString()).isEqualTo(-32016);
            assertThat(error.path("message").asText()).startsWith("Sign in to wiki");

            CommandRun company = xaa.run("login", "--timeout", "10");
            assertThat(company.exit()).as(company.out()).isNotZero();
            assertThat(company.out()).contains("No identity provider is configured", "xaa login SERVER");
            CommandRun statusBefore = xaa.run("status", "--check");
            ok(statusBefore);
            assertThat(statusBefore.out()).contains("company sign-in: none", "wiki: ", "sign in: xaa login wiki")
                    .doesNotContain("not set up");
            CommandRun doctor = xaa.run("doctor", "wiki");
            assertThat(doctor.out()).contains("no IdP: no company sign-in", "→ run `xaa login wiki`")
                    .doesNotContain("not set up");

            CommandRun login = xaa.run("", Map.of("BROWSER", XaaProcess.browserScript(home, "alice").toString()),
                    "login", "wiki", "--timeout", "90");
            ok(login);
            assertThat(login.out()).contains("signed in to 'wiki'");

            // the bridge retries quietly (every 30 s) and its connector looks for the grant in the keyring
            await().atMost(Duration.ofSeconds(75)).until(() -> lines.stream().anyMatch(WikiSignInProcessTest::listChanged));
            send(in, BridgeHarness.call(3, "list_pages", "{}"));
            JsonNode listed = response(lines, 3);
            assertThat(listed.has("result")).as(listed.toString()).isTrue();
            assertThat(listed.path("result").path("isError").asBoolean()).as(listed.toString()).isFalse();
            CommandRun status = xaa.run("status", "--check");
            assertThat(status.out()).contains("company sign-in: none", "wiki: ready");

            in.close();
            assertThat(bridge.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(lines.stream().filter(WikiSignInProcessTest::listChanged)).as("once").hasSize(1);
            for (String output : List.of(String.join("\n", lines), Files.readString(err), company.out(), statusBefore.out(),
                    doctor.out(), login.out(), status.out())) {
                assertThat(output).as("no token, code or verifier on any output").doesNotContain("eyJ")
                        .doesNotContainIgnoringCase("refresh_token").doesNotContain("code_verifier");
            }
        } finally {
            Processes.stop(bridge);
            xaa.run("logout", "wiki");
        }
    }

    /**
     * A client pre-registered at the plain authorization server (a confidential one: basic auth with a secret) is
     * set up without any IdP: its secret goes to the keyring with {@code xaa secret set as-client-secret SERVER}, and
     * {@code xaa login SERVER} uses that client: no dynamic registration reaches the authorization server.
     */
    @Test
    void aPreRegisteredConfidentialClientsSecretIsStoredAndUsedWithoutAnIdp() throws Exception {
        Path home = dir.resolve("no-idp-confidential");
        XaaProcess xaa = XaaProcess.in(home);
        String url = issuer.oauthServers().get("wiki").toString();
        CommandRun noClient = xaa.run("server", "add", "wikiauto", url);
        ok(noClient);
        CommandRun refused = xaa.run("xaa-wiki-demo-secret\n", Map.of(), "secret", "set", "as-client-secret", "wikiauto");
        assertThat(refused.exit()).as(refused.out()).isNotZero();
        assertThat(refused.out()).contains("no pre-registered client id", "--client-id");

        ok(xaa.run("server", "add", "wikic", url, "--auth", "oauth", "--client-id", "xaa-wiki-confidential"));
        CommandRun secret = xaa.run("xaa-wiki-demo-secret\n", Map.of(), "secret", "set", "as-client-secret", "wikic");
        ok(secret);
        assertThat(secret.out()).contains("stored as-client-secret").doesNotContain("xaa-wiki-demo-secret");
        long registrationsBefore = registrations();
        CommandRun login = xaa.run("", Map.of("BROWSER", XaaProcess.browserScript(home, "alice").toString()),
                "login", "wikic", "--timeout", "90");
        ok(login);
        assertThat(login.out()).contains("signed in to 'wikic'").doesNotContain("xaa-wiki-demo-secret");
        ok(xaa.run("token", "wikic", "--format", "header"));
        assertThat(registrations()).as("the pre-registered client, no dynamic registration").isEqualTo(registrationsBefore);
        xaa.run("logout", "wikic");
    }

    /** Dynamic client registrations the sample issuer's plain authorization servers answered so far. */
    private long registrations() throws IOException {
        try (var lines = Files.lines(issuer.auditFile())) {
            return lines.filter(l -> l.contains("\"oauth-register\"")).count();
        }
    }

    /** The bridge's stdout lines as they arrive. */
    static List<String> stdout(Process bridge) {
        List<String> lines = new CopyOnWriteArrayList<>();
        DaemonThreads.start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(bridge.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = out.readLine(); l != null; l = out.readLine()) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "no-idp-bridge-stdout");
        return lines;
    }
}
