package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import dev.xaa4j.connector.mcp.McpTransports;
import dev.xaa4j.sample.SampleIssuers;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end over real HTTP against the sample issuer (IdP + AS + MCP servers): a real sign-in with the
 * scripted browser, then discovery, token exchange, jwt-bearer and MCP tool calls through the SDK adapter.
 */
@Tag("slow")
class SampleIssuerEndToEndTest extends SampleIssuerConnectors {

    /** Hides {@link SampleIssuerConnectors}'s: 5 s access tokens, so a renewal (and a revocation) shows within the test. */
    @BeforeAll
    protected static void startIssuer() throws Exception {
        issuer = SampleIssuers.start(issuerState, SampleIssuers.accessTokensLasting(Duration.ofSeconds(5)));
    }

    Connector signedInConnector(List<ConnectorEvent> events) throws Exception {
        Connector.Builder b = SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(), new MemoryCredentialStore(),
                tmp.resolve("state")).listener(events::add);
        Connector c = SampleIssuerFixture.withTestBrowser(b, tmp, "alice").build();
        ConnectorStatus status = c.signIn().get(90, TimeUnit.SECONDS);
        assertThat(status.user()).contains("alice");
        assertThat(status.displayName()).as("the ID token's name claim, not its sub").contains("Alice Anders");
        assertThat(status.canRefresh()).isTrue();
        return c;
    }

    @Test
    void anMcpClientThroughTheAdapterCallsToolsAsAlice() throws Exception {
        List<ConnectorEvent> events = new CopyOnWriteArrayList<>();
        try (Connector connector = signedInConnector(events);
             McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(connector, "notes"))
                     .requestTimeout(Duration.ofSeconds(20)).build()) {
            client.initialize();
            assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("whoami", "list_notes", "add_note");
            client.callTool(new McpSchema.CallToolRequest("add_note", Map.of("text", "written through xaa4j")));
            String whoami = ((McpSchema.TextContent) client.callTool(new McpSchema.CallToolRequest("whoami", Map.of()))
                    .content().get(0)).text();
            assertThat(whoami).contains("\"sub\":\"alice\"").contains("notes.read").contains("notes.write");
            String notes = ((McpSchema.TextContent) client.callTool(new McpSchema.CallToolRequest("list_notes", Map.of()))
                    .content().get(0)).text();
            assertThat(notes).contains("written through xaa4j");

            assertThat(events).anyMatch(e -> e instanceof ConnectorEvent.SignedIn s && s.user().equals("alice"));
            assertThat(events).anyMatch(e -> e instanceof ConnectorEvent.TokenIssued t && t.server().equals("notes"));
            assertThat(connector.status().servers().get("notes").state()).isEqualTo(ServerState.READY);
            String journal = Files.readString(tmp.resolve("state").resolve("activity.jsonl"));
            assertThat(journal).contains("\"event\":\"signed_in\"").contains("\"event\":\"token_issued\"").doesNotContain("eyJ");
        }
    }

    @Test
    void adminRevocationTurnsTheNextRenewalIntoAccessDeniedAndAnEvent() throws Exception {
        List<ConnectorEvent> events = new CopyOnWriteArrayList<>();
        try (Connector connector = signedInConnector(events)) {
            AccessToken before = connector.token("tickets");
            assertThat(before.scopes()).contains("tickets.read");
            assertThat(SampleIssuers.admin(issuer, "revoke", "alice", "tickets")).isEqualTo(200);
            try {
                // the 5 s token is renewed in the background ~1 s before expiry: that renewal is refused
                await("AccessRevoked event").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                        .until(() -> events.stream().anyMatch(e -> e instanceof ConnectorEvent.AccessRevoked) || denied(connector));
                assertThatThrownBy(() -> connector.token("tickets")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.ACCESS_DENIED)
                        .hasMessageContaining("tickets");
                assertThat(events).filteredOn(e -> e instanceof ConnectorEvent.AccessRevoked).hasSize(1);
                assertThat(connector.status().servers().get("tickets").state()).isEqualTo(ServerState.DENIED);
                assertThat(connector.token("notes").value()).isNotBlank(); // other servers are unaffected
            } finally {
                SampleIssuers.admin(issuer, "restore", "alice", "tickets");
            }
        }
    }

    @Test
    @Timeout(120)
    void aStepUpTheIdpPolicyRefusesNamesTheScopeAndKeepsTheGrantedOnes() throws Exception {
        Connector.Builder b = SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(), new MemoryCredentialStore(),
                tmp.resolve("state"));
        try (Connector bob = SampleIssuerFixture.withTestBrowser(b, tmp, "bob").build()) { // notes-reader only
            assertThat(bob.signIn().get(90, TimeUnit.SECONDS).user()).contains("bob");
            assertThat(bob.token("notes").scopes()).containsExactly("notes.read");

            assertThat(bob.requestScopes("notes", List.of("notes.write"))).isTrue(); // the MCP server's 403
            assertThatThrownBy(() -> bob.token("notes")).isInstanceOfSatisfying(ScopeDeniedException.class,
                            e -> assertThat(e.scopes()).containsExactly("notes.write"))
                    .hasMessageContaining("Your IdP's policy does not grant scope 'notes.write' for 'notes'")
                    .hasMessageContaining("it granted only 'notes.read'");

            assertThat(bob.token("notes").scopes()).as("reading still works").containsExactly("notes.read");
        }
    }

    @Test
    void concurrentSignInsShareOneBrowser() throws Exception {
        Connector.Builder b = SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(), new MemoryCredentialStore(),
                tmp.resolve("state"));
        try (Connector c = SampleIssuerFixture.withTestBrowser(b, tmp, "alice").build()) {
            var first = c.signIn();
            var second = c.signIn();
            assertThat(second).isSameAs(first);
            assertThat(first.get(90, TimeUnit.SECONDS).user()).contains("alice");
            Path log = tmp.resolve("browser.log");
            await("the browser signed in").atMost(Duration.ofSeconds(20)).until(() -> browserRuns(log) == 1);
            // and no second browser turns up meanwhile
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> browserRuns(log) == 1);
            var third = c.signIn(); // a new sign-in once the first is done
            assertThat(third).isNotSameAs(first);
            third.cancel(true);
        }
    }

    private static boolean denied(Connector connector) {
        try {
            connector.token("tickets");
            return false;
        } catch (ConnectorException e) {
            if (e.kind() != ConnectorException.Kind.ACCESS_DENIED) {
                throw e;
            }
            return true;
        }
    }

    private static int browserRuns(Path log) throws java.io.IOException {
        return Files.exists(log) ? Files.readString(log).split("You are signed in", -1).length - 1 : 0;
    }

    @Test
    void aCallerSuppliedIdTokenIsEnoughForTheWholeChain() throws Exception {
        MemoryCredentialStore store = new MemoryCredentialStore();
        Connector.Builder b = SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(), store, tmp.resolve("state"));
        try (Connector signedIn = SampleIssuerFixture.withTestBrowser(b, tmp, "alice").build()) {
            signedIn.signIn().get(90, TimeUnit.SECONDS);
        }
        String idToken = new SessionStore(store, tmp.resolve("locks"))
                .load(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT).orElseThrow().idToken();

        try (Connector seam = SampleIssuerFixture.connector(issuer.idpIssuer(), issuer.servers(), new MemoryCredentialStore(),
                tmp.resolve("seam")).idTokenSource(() -> idToken).build()) {
            AccessToken token = seam.token("notes");
            assertThat(token.scopes()).contains("notes.read");
            assertThat(seam.status().user()).isEmpty(); // no session of its own
            assertThatThrownBy(seam::signIn).isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
