package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.XaaProcess.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's CLI without a network: {@code xaa server add --auth} (validated, shown by {@code xaa server list},
 * the {@code XAA_AUTH_<NAME>} override), {@code xaa status} naming each server's flow in text and JSON,
 * {@code xaa login SERVER} for a server that takes no token, and {@code xaa token SERVER} refusing one. Real
 * {@code xaa} processes with a config file of their own.
 */
@Tag("slow")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PerServerCliTest {

    @TempDir
    Path dir;

    @Test
    void anUnknownAuthWordIsAUsageErrorListingTheWordsAndWritesNothing() throws Exception {
        XaaProcess xaa = XaaProcess.in(dir);
        CommandRun bad = xaa.run("server", "add", "wiki", "https://mcp.example.com/wiki/mcp", "--auth", "saml");
        assertThat(bad.exit()).as(bad.out()).isEqualTo(2);
        assertThat(bad.out()).contains("--auth", "saml", "auto, ema, oauth, none, client-credentials or workload");
        assertThat(Files.exists(xaa.config())).as("nothing written").isFalse();
    }

    @Test
    void theJwtBearerScopeAndResourceAreValidatedStoredListedAndShownByStatusAndDoctor() throws Exception {
        XaaProcess xaa = XaaProcess.in(dir);
        CommandRun bad = xaa.run("server", "add", "kc", "https://mcp.example.com/kc/mcp", "--jwt-bearer-scope", "all");
        assertThat(bad.exit()).as(bad.out()).isEqualTo(2);
        assertThat(bad.out()).contains("--jwt-bearer-scope", "'all'", "inherit, send or omit");
        CommandRun badResource = xaa.run("server", "add", "kc", "https://mcp.example.com/kc/mcp", "--jwt-bearer-resource",
                "never");
        assertThat(badResource.exit()).as(badResource.out()).isEqualTo(2);
        assertThat(badResource.out()).contains("--jwt-bearer-resource", "'never'", "send (the default) or omit");
        assertThat(Files.exists(xaa.config())).as("nothing written").isFalse();

        ok(xaa.run("server", "add", "kc", "https://mcp.example.com/kc/mcp", "--auth", "ema", "--client-id", "xaa4j-ras",
                "--jwt-bearer-scope", "SEND", "--scope", "kc:read", "--jwt-bearer-resource", "OMIT"));
        ok(xaa.run("server", "add", "okta", "https://mcp.example.com/okta/mcp", "--jwt-bearer-scope", "omit"));
        ok(xaa.run("server", "add", "notes", "https://mcp.example.com/notes/mcp", "--jwt-bearer-scope", "inherit"));
        JsonNode stored = BridgeHarness.JSON.readTree(Files.readString(xaa.config())).path("servers");
        assertThat(stored.path("kc").path("jwtBearerScope").asText()).isEqualTo("send");
        assertThat(stored.path("okta").path("jwtBearerScope").asText()).isEqualTo("omit");
        assertThat(stored.path("notes").has("jwtBearerScope")).as("inherit is the default, not written").isFalse();
        assertThat(stored.path("kc").path("jwtBearerResource").asText()).isEqualTo("omit");
        assertThat(stored.path("okta").has("jwtBearerResource")).as("send is the default, not written").isFalse();

        CommandRun list = xaa.run("server", "list");
        ok(list);
        assertThat(list.out()).contains("kc\thttps://mcp.example.com/kc/mcp\tauth=ema\tclient-id=xaa4j-ras\tscopes=kc:read"
                + "\tjwt-bearer-scope=send\tjwt-bearer-resource=omit", "okta\thttps://mcp.example.com/okta/mcp\tauth=auto\tjwt-bearer-scope=omit");
        assertThat(list.out()).doesNotContain("jwt-bearer-scope=inherit", "jwt-bearer-resource=send");
        CommandRun json = xaa.run("status", "--json");
        JsonNode servers = BridgeHarness.JSON.readTree(json.out().substring(json.out().indexOf('{'))).path("servers");
        assertThat(servers.path("kc").path("jwtBearerScope").asText()).isEqualTo("send");
        assertThat(servers.path("okta").path("jwtBearerScope").asText()).isEqualTo("omit");
        assertThat(servers.path("notes").path("jwtBearerScope").asText()).isEqualTo("inherit");
        assertThat(servers.path("kc").path("jwtBearerResource").asText()).isEqualTo("omit");
        assertThat(servers.path("notes").path("jwtBearerResource").asText()).isEqualTo("send");
        CommandRun doctor = xaa.run("doctor", "kc");
        assertThat(doctor.out()).contains("jwt-bearer scope (enterprise flow): send (the scopes asked for)",
                "jwt-bearer resource (enterprise flow): omit");
        assertThat(xaa.run("doctor", "okta").out()).contains("jwt-bearer resource (enterprise flow): send");
    }

    @Test
    void theFlowIsStoredListedOverriddenAndShownByStatus() throws Exception {
        XaaProcess xaa = XaaProcess.in(dir);
        CommandRun added = xaa.run("server", "add", "wiki", "https://mcp.example.com/wiki/mcp", "--auth", "OAuth",
                "--client-id", "pre-registered");
        ok(added);
        assertThat(added.out()).contains("xaa login wiki");
        ok(xaa.run("server", "add", "open", "https://mcp.example.com/open/mcp", "--auth", "none"));
        ok(xaa.run("server", "add", "notes", "https://mcp.example.com/notes/mcp"));
        JsonNode stored = BridgeHarness.JSON.readTree(Files.readString(xaa.config())).path("servers");
        assertThat(stored.path("wiki").path("auth").asText()).isEqualTo("oauth");
        assertThat(stored.path("wiki").path("asClientId").asText()).isEqualTo("pre-registered");
        assertThat(stored.path("notes").has("auth")).as("auto is the default, not written").isFalse();

        CommandRun list = xaa.run("server", "list");
        ok(list);
        assertThat(list.out()).contains("wiki\thttps://mcp.example.com/wiki/mcp\tauth=oauth\tclient-id=pre-registered",
                "open\thttps://mcp.example.com/open/mcp\tauth=none", "notes\thttps://mcp.example.com/notes/mcp\tauth=auto");
        CommandRun overridden = xaa.run("", Map.of("XAA_AUTH_NOTES", "ema"), "server", "list");
        assertThat(overridden.out()).contains("notes\thttps://mcp.example.com/notes/mcp\tauth=ema");
        CommandRun badEnv = xaa.run("", Map.of("XAA_AUTH_NOTES", "sometimes"), "server", "list");
        assertThat(badEnv.exit()).isNotZero();
        assertThat(badEnv.out()).contains("XAA_AUTH_NOTES", "auto, ema, oauth, none, client-credentials or workload");

        CommandRun status = xaa.run("status");
        assertThat(status.out()).contains("wiki: idle, flow per-server sign-in", "open: idle, flow none",
                "notes: idle, flow not decided yet");
        CommandRun json = xaa.run("status", "--json");
        JsonNode servers = BridgeHarness.JSON.readTree(json.out().substring(json.out().indexOf('{'))).path("servers");
        assertThat(servers.path("wiki").path("flow").asText()).isEqualTo("oauth");
        assertThat(servers.path("wiki").path("flowDescription").asText()).isEqualTo("per-server sign-in");
        assertThat(servers.path("open").path("flow").asText()).isEqualTo("none");
        assertThat(servers.path("notes").path("flowDescription").asText()).isEqualTo("not decided yet");

        CommandRun login = xaa.run("login", "open");
        ok(login);
        assertThat(login.out()).contains("'open' needs no sign-in");
        CommandRun token = xaa.run("token", "open");
        assertThat(token.exit()).as(token.out()).isEqualTo(1);
        assertThat(token.out()).contains("'open' takes no access token", "without an Authorization header")
                .doesNotContain("Bearer");
        CommandRun unknown = xaa.run("login", "nowhere");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.out()).contains("unknown server 'nowhere'");
        CommandRun unknownToken = xaa.run("token", "nowhere"); // no IdP here: it said "not set up yet: run `xaa idp …`"
        assertThat(unknownToken.exit()).as(unknownToken.out()).isEqualTo(2);
        assertThat(unknownToken.out()).contains("unknown server 'nowhere'").doesNotContain("not set up");
    }
}
