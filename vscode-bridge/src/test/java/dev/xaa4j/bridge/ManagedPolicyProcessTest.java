package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.XaaProcess.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.sample.SampleIssuers;
import dev.xaa4j.testing.Closer;
import dev.xaa4j.testing.Processes;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 point 1 as a person meets it, against the sample issuer over real HTTP and the OS keyring of
 * {@code .ci/with-keyring}: a policy file in a temporary directory ({@code XAA_POLICY}, never /etc) sets the IdP
 * and a locked server, device management put the client secrets into the keyring, and the user types none:
 * {@code xaa login} and {@code xaa token notes} work from the policy alone. {@code xaa status --json} shows
 * where each setting came from; changes of locked keys are refused as "managed by your organization"; an extra
 * server of the user's is allowed; a malformed policy file stops every command with the file and the fault.
 */
@Tag("slow")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ManagedPolicyProcessTest extends KeyringIssuer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KeyringCredentialStore KEYRING = new KeyringCredentialStore("xaa4j");

    @AfterAll
    static void forgetTheSecrets() throws Exception {
        if (issuer != null) {
            KEYRING.delete(idpSecretKey());
            KEYRING.delete(asSecretKey());
        }
    }

    private static String idpSecretKey() {
        return ClientCredentialsSource.secretKey(issuer.idpIssuer().toString(), SampleIssuers.IDP_CLIENT);
    }

    private static String asSecretKey() {
        return ClientCredentialsSource.secretKey(issuer.asIssuer().toString(), SampleIssuers.AS_CLIENT);
    }

    private static Path policy(String name, String json) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, json);
        return p;
    }

    /** What device management does: the secrets straight into the keyring, none typed by the person. */
    private static void deviceManagementWritesTheSecrets() {
        await("the keyring accepts the writes").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions().until(() -> {
                    KEYRING.write(idpSecretKey(), SampleIssuers.IDP_SECRET);
                    KEYRING.write(asSecretKey(), SampleIssuers.AS_SECRET);
                    return true;
                });
    }

    /** A policy with the sample issuer's IdP and {@code servers}, all locked. */
    private static String policyWith(String... servers) {
        StringBuilder entries = new StringBuilder();
        for (String name : servers) {
            entries.append(entries.isEmpty() ? "" : ", ").append("\"%s\": { \"url\": \"%s\", \"asClientId\": \"%s\" }"
                    .formatted(name, issuer.server(name), SampleIssuers.AS_CLIENT));
        }
        return """
                { "idp": { "issuer": "%s", "clientId": "%s", "authMethod": "client_secret_basic" },
                  "servers": { %s }, "locked": ["idp", "servers"] }
                """.formatted(issuer.idpIssuer(), SampleIssuers.IDP_CLIENT, entries);
    }

    @Test
    void aRunningAgentServesAServerThePolicyAddsAndDropsOneItRemoves() throws Exception {
        Path policy = policy("followed-policy.json", policyWith("notes"));
        deviceManagementWritesTheSecrets();
        XaaProcess xaa = XaaProcess.in(dir.resolve("followed"));
        ok(run(xaa, policy, Map.of("BROWSER", XaaProcess.browserScript(dir, "alice").toString()), "login", "--timeout", "60"));
        Path stderr = Files.createTempFile(dir, "agent", ".err");
        Map<String, String> env = xaa.env();
        env.put("XAA_POLICY", policy.toString());
        ProcessBuilder pb = new ProcessBuilder(xaa.command("agent")).redirectError(stderr.toFile());
        pb.environment().putAll(env);
        try (Closer cleanup = new Closer()) {
            Process agent = Processes.start(pb);
            cleanup.add(() -> Processes.stop(agent));
            String ready = new java.io.BufferedReader(new java.io.InputStreamReader(agent.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8)).readLine();
            assertThat(ready).as(Files.readString(stderr)).startsWith("xaa agent: serving on");

            Files.writeString(policy, policyWith("notes", "tickets"));
            await("the agent took the policy's new server").atMost(Duration.ofSeconds(30))
                    .until(() -> Files.readString(stderr).contains("serving notes, tickets; added by your organization: tickets"));
            CommandRun token = run(xaa, policy, Map.of(), "token", "tickets");
            ok(token);
            JsonNode status = JSON.readTree(run(xaa, policy, Map.of(), "status", "--json").out());
            assertThat(status.at("/agent/pid").asLong()).as("served by the same agent, not restarted").isEqualTo(agent.pid());
            assertThat(status.at("/servers/tickets/state").asText()).isEqualTo("ready");

            Files.writeString(policy, policyWith("notes"));
            await("the agent dropped the server the policy removed").atMost(Duration.ofSeconds(30))
                    .until(() -> Files.readString(stderr).contains("configuration changed; serving notes\n"));
            assertThat(agent.isAlive()).isTrue();
            String header = token.out().lines().filter(l -> l.startsWith("Authorization: ")).findFirst().orElseThrow();
            String value = header.substring(header.lastIndexOf(' ') + 1);
            assertThat(value).hasSizeGreaterThan(20);
            assertThat(Files.readString(stderr)).as("no token or secret in the agent's log").doesNotContain(value,
                    SampleIssuers.IDP_SECRET, SampleIssuers.AS_SECRET);
        } finally {
            run(xaa, policy, Map.of(), "logout");
        }
    }

    @Test
    void aLockedSessionStorageIsNotOverriddenByTheAgentsMemoryFlag() throws Exception {
        Path policy = policy("storage-policy.json", "{\"sessionStorage\": \"keyring\", \"locked\": [\"sessionStorage\"]}");
        XaaProcess xaa = XaaProcess.in(dir.resolve("storage"));
        CommandRun agent = run(xaa, policy, Map.of(), "agent", "--memory");
        assertThat(agent.exit()).as(agent.out()).isEqualTo(2);
        assertThat(agent.out()).contains("the session storage is managed by your organization (policy file " + policy
                + "): ask your IT department to change it");
    }

    private static CommandRun run(XaaProcess xaa, Path policy, Map<String, String> env, String... args) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("XAA_POLICY", policy.toString());
        return xaa.run("", all, args);
    }

    @Test
    void fromThePolicyAloneSignInAndATokenWithProvenanceLocksAndAnExtraServerOfTheUsers() throws Exception {
        Path policy = policy("policy.json", """
                { "idp": { "issuer": "%s", "clientId": "%s", "authMethod": "client_secret_basic" },
                  "servers": { "notes": { "url": "%s", "asClientId": "%s", "auth": "ema" } },
                  "locked": ["idp", "servers.notes"] }
                """.formatted(issuer.idpIssuer(), SampleIssuers.IDP_CLIENT, issuer.server("notes"), SampleIssuers.AS_CLIENT));
        deviceManagementWritesTheSecrets();
        XaaProcess xaa = XaaProcess.in(dir.resolve("managed"));

        JsonNode status = JSON.readTree(run(xaa, policy, Map.of(), "status", "--json").out());
        assertThat(status.path("configured").asBoolean()).isTrue();
        assertThat(status.at("/idp/issuer/value").asText()).isEqualTo(issuer.idpIssuer().toString());
        for (String f : new String[] {"issuer", "clientId", "authMethod"}) {
            assertThat(status.at("/idp/" + f + "/source").asText()).as(f).isEqualTo("policy");
            assertThat(status.at("/idp/" + f + "/locked").asBoolean()).as(f).isTrue();
        }
        assertThat(status.at("/servers/notes/source").asText()).isEqualTo("policy");
        assertThat(status.at("/servers/notes/locked").asBoolean()).isTrue();
        assertThat(status.at("/settings/dpop/source").asText()).isEqualTo("default");
        assertThat(status.at("/policy/from").asText()).isEqualTo("policy file " + policy);
        assertThat(run(xaa, policy, Map.of(), "doctor").out()).as("no config file yet: the doctor names the policy as the IdP's source")
                .contains("; the IdP comes from your organization's policy", "  ok    configured flow: ema (set by your organization's policy)")
                .doesNotContain("XAA_IDP_* environment variables", "--auth auto` lets discovery decide");

        CommandRun idp = run(xaa, policy, Map.of(), "idp", "https://other-idp.example", "--client-id", "mine");
        assertThat(idp.exit()).as(idp.out()).isEqualTo(2);
        assertThat(idp.out()).contains("xaa: the IdP issuer is managed by your organization (policy file " + policy
                + "): ask your IT department to change it");
        for (String[] change : new String[][] {{"server", "add", "notes", "https://elsewhere.example/mcp"}, {"server", "remove", "notes"}}) {
            CommandRun r = run(xaa, policy, Map.of(), change);
            assertThat(r.exit()).as(r.out()).isEqualTo(2);
            assertThat(r.out()).contains("the server 'notes' is managed by your organization");
        }
        assertThat(Files.exists(xaa.config())).as("nothing written by the refused changes").isFalse();

        ok(run(xaa, policy, Map.of(), "server", "add", "tickets", issuer.server("tickets").toString()));
        JsonNode withExtra = JSON.readTree(run(xaa, policy, Map.of(), "status", "--json").out());
        assertThat(withExtra.at("/servers/tickets/source").asText()).isEqualTo("user");
        assertThat(withExtra.at("/servers/tickets/locked").asBoolean()).isFalse();
        assertThat(withExtra.at("/servers/notes/source").asText()).isEqualTo("policy");
        String human = run(xaa, policy, Map.of(), "status").out();
        assertThat(human).contains("policy: from policy file " + policy + " (your organization's settings; locked: idp, servers.notes)",
                "  IdP issuer: " + issuer.idpIssuer() + " (managed by your organization)",
                "  IdP client id: " + SampleIssuers.IDP_CLIENT + " (managed by your organization)");
        assertThat(human.lines().filter(l -> l.startsWith("  notes: "))).singleElement().asString()
                .contains(", managed by your organization");
        assertThat(human.lines().filter(l -> l.startsWith("  tickets: "))).singleElement().asString()
                .doesNotContain("organization");

        CommandRun doctor = run(xaa, policy, Map.of("XAA_IDP_ISSUER", "https://env-idp.example"), "doctor");
        assertThat(doctor.out()).as("the doctor's policy section").contains(
                "  ok    policy: read from policy file " + policy + "; managed by your organization (locked): idp, servers.notes",
                "  note  XAA_IDP_ISSUER is ignored: managed by your organization (policy file " + policy + ")",
                "        → remove it from your config file or environment: it has no effect");
        assertThat(doctor.out()).doesNotContain(SampleIssuers.IDP_SECRET, SampleIssuers.AS_SECRET);

        CommandRun envIgnored = run(xaa, policy, Map.of("XAA_IDP_ISSUER", "https://env-idp.example"), "status", "--json");
        assertThat(JSON.readTree(envIgnored.out().substring(envIgnored.out().indexOf('{'))).at("/idp/issuer/value").asText()).isEqualTo(issuer.idpIssuer().toString());
        assertThat(envIgnored.out()).contains("XAA_IDP_ISSUER is ignored: managed by your organization");

        Path browser = XaaProcess.browserScript(dir, "alice");
        CommandRun login = run(xaa, policy, Map.of("BROWSER", browser.toString()), "login", "--timeout", "60");
        ok(login);
        CommandRun token = run(xaa, policy, Map.of(), "token", "notes");
        ok(token);
        assertThat(token.out()).startsWith("Authorization: ");
        ok(run(xaa, policy, Map.of(), "logout"));

        String config = Files.readString(xaa.config());
        assertThat(config).as("the policy's settings are not copied into the user's file").doesNotContain("\"idp\"", "\"notes\"");
        for (CommandRun r : new CommandRun[] {idp, login, envIgnored}) {
            assertThat(r.out()).doesNotContain(SampleIssuers.IDP_SECRET, SampleIssuers.AS_SECRET);
        }
        assertThat(config).doesNotContain(SampleIssuers.IDP_SECRET, SampleIssuers.AS_SECRET);
    }

    @Test
    void aMalformedPolicyStopsEveryCommandWithTheFileAndTheFaultAndStatusStillShowsTheUsersConfig() throws Exception {
        Path policy = policy("broken-policy.json", "{ \"idp\": { \"issuer\": \"https://idp.example\", \"clientID\": \"x\" } }");
        XaaProcess xaa = XaaProcess.in(dir.resolve("broken"));
        ok(xaa.run("server", "add", "mine", issuer.server("notes").toString()));

        String fault = "policy file " + policy + ": unknown key \"idp.clientID\"";
        CommandRun token = run(xaa, policy, Map.of(), "token", "mine");
        assertThat(token.exit()).as(token.out()).isEqualTo(2);
        assertThat(token.out()).contains("xaa: " + fault, "ask your IT department to fix it");

        CommandRun status = run(xaa, policy, Map.of(), "status", "--json");
        assertThat(status.exit()).as(status.out()).isEqualTo(2);
        JsonNode json = JSON.readTree(status.out());
        assertThat(json.at("/policy/error").asText()).startsWith(fault);
        assertThat(json.at("/servers/mine/source").asText()).as("the user's config still loads").isEqualTo("user");
        assertThat(run(xaa, policy, Map.of(), "status").out()).contains("policy: " + fault,
                "session: not read (your organization's policy cannot be used: below)")
                .as("the policy's fault is not blamed on the keyring").doesNotContain("cannot be read from the OS keyring");

        CommandRun doctor = run(xaa, policy, Map.of(), "doctor");
        assertThat(doctor.exit()).as(doctor.out()).isEqualTo(2);
        assertThat(doctor.out()).contains("  FAIL  policy: " + fault, "        → send this line to your IT department")
                .as("nothing else is checked").doesNotContain("  ok    ");
    }
}
