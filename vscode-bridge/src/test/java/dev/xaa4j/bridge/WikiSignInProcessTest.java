package dev.xaa4j.bridge;

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
 * Issue 11 item 3 end to end, in real processes against the sample issuer's plain-OAuth {@code wiki} (its AS at
 * {@code {asBase}/oauth}) and the OS keyring of {@code .ci/with-keyring}: {@code xaa bridge wiki} without a grant
 * answers tool calls with "Sign in to wiki"; {@code xaa login wiki} from another process has the running
 * {@code xaa agent} (the session owner, as the tray is) sign in with its browser (a scripted one at the AS's login
 * form); the bridge, which never opened a browser, hears {@code token_issued} through the broker, connects,
 * sends {@code notifications/tools/list_changed} once, and {@code tools/call} works. No token byte on any output.
 */
@Tag("slow")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WikiSignInProcessTest extends KeyringIssuer {

    @Test
    void aBridgeWithoutAGrantSaysSignInThenServesTheToolsOnceXaaLoginWikiRan() throws Exception {
        XaaProcess xaa = XaaProcess.in(dir.resolve("wiki"));
        configureNotes((stdin, args) -> xaa.run(stdin, Map.of(), args)); // the IdP is configured; alice never signs in to it
        CommandRun added = xaa.run("server", "add", "wiki", issuer.oauthServers().get("wiki").toString());
        ok(added);
        // the session owner (as the tray would be): `xaa login wiki` runs the sign-in there, with its browser
        Path agentErr = dir.resolve("wiki").resolve("agent.err");
        ProcessBuilder agentPb = new ProcessBuilder(xaa.command("agent")).redirectError(agentErr.toFile());
        agentPb.environment().clear();
        agentPb.environment().putAll(xaa.env());
        agentPb.environment().put("BROWSER", XaaProcess.browserScript(dir.resolve("wiki"), "alice").toString());
        Process agent = Processes.start(agentPb);
        try {
            String ready = new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(ready).as(Files.readString(agentErr)).startsWith("xaa agent: serving on");
            bridgeThenLogin(xaa, agentErr);
        } finally {
            Processes.stop(agent);
        }
    }

    private void bridgeThenLogin(XaaProcess xaa, Path agentErr) throws Exception {

        Path err = dir.resolve("wiki").resolve("bridge.err");
        ProcessBuilder pb = new ProcessBuilder(xaa.command("bridge", "wiki", "--no-initialize-cache")).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(xaa.env());
        pb.environment().remove("BROWSER"); // a bridge that tried to open one would have none
        Process bridge = Processes.start(pb);
        List<String> lines = new CopyOnWriteArrayList<>();
        DaemonThreads.start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(bridge.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = out.readLine()) != null) {
                    lines.add(l);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "wiki-bridge-stdout");
        OutputStream in = bridge.getOutputStream();

        send(in, BridgeHarness.initialize(1));
        JsonNode init = response(lines, 1);
        assertThat(init.path("result").path("capabilities").path("tools").path("listChanged").asBoolean()).isTrue();
        send(in, BridgeHarness.initialized());
        send(in, BridgeHarness.call(2, "list_pages", "{}"));
        JsonNode error = response(lines, 2).path("error");
        assertThat(error.path("code").asInt()).as(error.toString()).isEqualTo(-32016);
        assertThat(error.path("message").asText()).isEqualTo("Sign in to wiki: choose 'Sign in to wiki' in the xaa tray, "
                + "or run `xaa login wiki` in a terminal");
        assertThat(error.path("data").path("reason").asText()).isEqualTo("server_sign_in_required");

        CommandRun statusBefore = xaa.run("status");
        assertThat(statusBefore.out()).contains("wiki: ", "flow per-server sign-in", "sign in: xaa login wiki");
        CommandRun doctor = xaa.run("doctor", "wiki");
        assertThat(doctor.exit()).as(doctor.out()).isEqualTo(3);
        assertThat(doctor.out()).contains("configured flow: auto", "protected resource metadata: resource",
                "FAIL  no per-server sign-in yet", "→ run `xaa login wiki`", "flow: per-server sign-in — ");

        CommandRun login = xaa.run("", Map.of("BROWSER", "/bin/false"), "login", "wiki", "--timeout", "90");
        ok(login);
        assertThat(login.out()).contains("through the running xaa agent", "signed in to 'wiki'");

        await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().anyMatch(WikiSignInProcessTest::listChanged));
        send(in, BridgeHarness.call(3, "list_pages", "{}"));
        JsonNode listed = response(lines, 3);
        assertThat(listed.has("result")).as(listed.toString()).isTrue();
        assertThat(listed.path("result").path("isError").asBoolean()).as(listed.toString()).isFalse();

        CommandRun status = xaa.run("status");
        assertThat(status.out()).contains("wiki: ", "flow per-server sign-in");

        in.close();
        assertThat(bridge.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(bridge.exitValue()).isZero();
        assertThat(lines.stream().filter(WikiSignInProcessTest::listChanged)).as("once").hasSize(1);
        CommandRun logout = xaa.run("logout", "wiki");
        ok(logout);
        assertThat(logout.out()).contains("signed out of 'wiki'", "`xaa login wiki` signs in again");
        CommandRun token = xaa.run("token", "wiki");
        assertThat(token.exit()).as(token.out()).isEqualTo(3);
        assertThat(token.out()).contains("Sign in to wiki", "`xaa login wiki`");
        String stderr = Files.readString(err);
        for (String output : List.of(String.join("\n", lines), stderr, login.out(), status.out(), doctor.out(), logout.out(), token.out(),
                Files.readString(agentErr))) {
            assertThat(output).as("no token, code or verifier on any output").doesNotContain("eyJ")
                    .doesNotContainIgnoringCase("refresh_token").doesNotContain("code_verifier");
        }
    }

    static boolean listChanged(String line) {
        return line.contains("\"method\":\"notifications/tools/list_changed\"");
    }

    static JsonNode response(List<String> lines, int id) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> lines.stream().map(WikiSignInProcessTest::parse)
                .filter(m -> m.path("id").asInt(-1) == id && !m.has("method")).findFirst().orElse(null), m -> m != null);
    }

    private static JsonNode parse(String line) {
        try {
            return BridgeHarness.JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON on the bridge's stdout: " + line, e);
        }
    }

    static void send(OutputStream in, String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }
}
