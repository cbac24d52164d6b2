package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.oauth.HeadlessBrowser;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.store.ServerGrantStore;
import dev.xaa4j.connector.mcp.McpTransports;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.SampleIssuerPerClass;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rule of plain MCP authorization (issue 11 item 2) end to end through the public API ({@link Connector},
 * {@link McpTransports}) against the sample issuer's plain AS ({@code {as}/oauth}) and its {@code wiki} server over
 * real HTTP, the person's browser played by {@link HeadlessBrowser} against the dev-only auto-approve mode. Each
 * test asserts what reached the AS (the sample issuer's audit log, entries since the test began) and the MCP
 * result; after each test the captured stderr (the connector's log) holds no access token, refresh token, code or
 * client secret.
 */
@Tag("slow")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PlainOAuthEndToEndTest extends SampleIssuerPerClass {

    static final String PUBLIC_CLIENT = "xaa-wiki-public";
    static final String CONFIDENTIAL_CLIENT = "xaa-wiki-confidential";
    static final String CONFIDENTIAL_SECRET = "xaa-wiki-demo-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    final HeadlessBrowser browser = new HeadlessBrowser();
    final CredentialStore store = new MemoryCredentialStore();
    private final List<Connector> connectors = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>(List.of(CONFIDENTIAL_SECRET));
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream originalErr;
    private PrintStream originalOut;
    private int auditMark;

    @BeforeAll
    protected static void startIssuer() throws Exception {
        issuer = SampleIssuer.start(IssuerSettings.defaults(issuerState).withPortBase(0).withDevAutoApprove("alice"));
    }

    @BeforeEach
    void capture() throws Exception {
        auditMark = Files.readAllLines(issuer.auditFile()).size();
        originalErr = System.err;
        originalOut = System.out;
        System.setErr(tee(originalErr));
        System.setOut(tee(originalOut));
        admin("dev-auto-approve", "{\"user\":\"alice\"}"); // its warning shows the capture sees the log
    }

    @AfterEach
    void noSecretInTheLog() {
        try {
            new ServerGrantStore(store).grant("wiki").ifPresent(g -> secrets.add(g.refreshToken()));
            for (Connector c : connectors) {
                try {
                    c.cachedToken("wiki").ifPresent(t -> secrets.add(t.value()));
                } catch (RuntimeException closedAlready) {
                    // its tokens were read when the test closed it
                }
                c.close();
            }
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
            issuer.oauthFaults().set("reset");
        }
        String text = log.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("DEV-ONLY AUTO-APPROVE MODE");
        secrets.addAll(browser.codes);
        for (String secret : secrets) {
            assertThat(text).as("the captured log holds a secret").doesNotContain(secret);
        }
    }

    /** {@code to}, its bytes also kept in {@link #log}. */
    private PrintStream tee(PrintStream to) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (log) {
                    to.write(b);
                    log.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (log) {
                    to.write(b, off, len);
                    log.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8);
    }

    // ---- discovery -------------------------------------------------------------------------------------------

    @Test
    void discoveryFindsTheMetadataFromTheChallengeAtPathAwareUrls() throws Exception {
        URI wiki = issuer.server("wiki");
        URI as = issuer.oauthIssuer();
        // The wiki's PRM is only at the path-aware URL (RFC 9728 §3.1) its 401 names; the AS origin's root RFC 8414
        // document is the enterprise AS (jwt-bearer only): reading it instead of the path-inserted one (§3.1) would
        // choose EMA or fail the issuer check.
        assertThat(status(URI.create(origin(wiki) + "/.well-known/oauth-protected-resource"))).isEqualTo(404);
        assertThat(JSON.readTree(URI.create(origin(as) + "/.well-known/oauth-authorization-server").toURL())
                .path("issuer").asText()).isEqualTo(issuer.asIssuer().toString());
        Connector c = connector(b -> b, wiki(AuthMode.AUTO));

        ServerStatus signedIn = c.signIn("wiki").get(60, TimeUnit.SECONDS);

        assertThat(signedIn.state()).isEqualTo(ServerState.READY);
        assertThat(signedIn.flow()).isEqualTo(AuthMode.OAUTH);
        assertThat(browser.opened).singleElement().satisfies(u ->
                assertThat(u.toString()).startsWith(as + "/authorize?"));
        assertThat(events("oauth-sign-in")).singleElement().satisfies(e -> {
            assertThat(e.path("decision").asText()).isEqualTo("allow");
            assertThat(e.path("resource").asText()).isEqualTo(wiki.toString());
        });
        assertThat(callTool(c, "whoami", Map.of()).isError()).isNotEqualTo(Boolean.TRUE);
    }

    /** RFC 9728 §3.3 (PRM {@code resource}) and RFC 8414 §3.3 ({@code issuer}): refused before any browser. */
    @ParameterizedTest
    @ValueSource(strings = {"resource-mismatch", "issuer-mismatch"})
    void aMetadataMismatchIsRefusedBeforeAnyRegistrationOrAuthorization(String fault) throws Exception {
        issuer.oauthFaults().set(fault);
        Connector c = connector(b -> b, wiki(AuthMode.OAUTH));
        List<String> named = fault.equals("resource-mismatch")
                ? List.of(issuer.server("wiki").toString(), "resource")
                : List.of("https://attacker.example.com", issuer.oauthIssuer().toString());

        assertThatThrownBy(() -> c.signIn("wiki").get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.getMessage()).contains(named));

        assertThat(events("oauth-fault")).anySatisfy(e -> assertThat(e.path("decision").asText()).isEqualTo(fault));
        assertThat(events("oauth-register", "oauth-sign-in", "oauth-token", "oauth-cimd")).isEmpty();
        assertThat(browser.opened).isEmpty();
    }

    // ---- client identification, in order ---------------------------------------------------------------------

    @Test
    void aPreRegisteredPublicClientIsUsedWithoutRegistration() throws Exception {
        Connector c = connector(b -> b, wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));

        c.signIn("wiki").get(60, TimeUnit.SECONDS);

        assertThat(query(browser.opened.get(0))).containsEntry("client_id", PUBLIC_CLIENT);
        assertThat(events("oauth-register", "oauth-cimd")).isEmpty();
        assertThat(events("oauth-token")).singleElement().satisfies(e -> {
            assertThat(e.path("client").asText()).isEqualTo(PUBLIC_CLIENT);
            assertThat(e.path("decision").asText()).isEqualTo("allow");
        });
        assertThat(callTool(c, "list_pages", Map.of()).isError()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void aPreRegisteredConfidentialClientAuthenticatesWithBasicAndItsSecretFromTheSource() throws Exception {
        Connector c = connector(b -> b, wiki(AuthMode.OAUTH).withOAuthClientId(CONFIDENTIAL_CLIENT));

        c.signIn("wiki").get(60, TimeUnit.SECONDS);

        // The AS takes only the method a client registered: client_secret_basic for this one (else invalid_client).
        assertThat(events("oauth-register", "oauth-cimd")).isEmpty();
        assertThat(events("oauth-token")).singleElement().satisfies(e -> {
            assertThat(e.path("client").asText()).isEqualTo(CONFIDENTIAL_CLIENT);
            assertThat(e.path("decision").asText()).isEqualTo("allow");
        });
        assertThat(browser.opened.get(0).toString()).doesNotContain(CONFIDENTIAL_SECRET);
        assertThat(callTool(c, "list_pages", Map.of()).isError()).isNotEqualTo(Boolean.TRUE);
    }

    @Test
    void aClientIdMetadataDocumentIsUsedWhenTheServerSupportsIt() throws Exception {
        HttpServer documents = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        URI url = URI.create("http://127.0.0.1:" + documents.getAddress().getPort() + "/xaa4j/client.json");
        byte[] document = JSON.writeValueAsBytes(Map.of("client_id", url.toString(), "client_name", "xaa4j e2e",
                "redirect_uris", List.of("http://127.0.0.1/callback"), "token_endpoint_auth_method", "none",
                "grant_types", List.of("authorization_code", "refresh_token"), "response_types", List.of("code")));
        documents.createContext(url.getPath(), x -> {
            x.getResponseHeaders().add("Content-Type", "application/json");
            x.sendResponseHeaders(200, document.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(document);
            }
        });
        documents.start();
        try {
            Connector c = connector(b -> b.clientIdMetadataDocument(url), wiki(AuthMode.OAUTH));

            c.signIn("wiki").get(60, TimeUnit.SECONDS);

            assertThat(query(browser.opened.get(0))).containsEntry("client_id", url.toString());
            assertThat(events("oauth-register")).isEmpty();
            assertThat(events("oauth-cimd")).isNotEmpty().allSatisfy(e -> {
                assertThat(e.path("client").asText()).isEqualTo(url.toString());
                assertThat(e.path("decision").asText()).isEqualTo("allow");
            });
            assertThat(events("oauth-token")).singleElement().satisfies(e ->
                    assertThat(e.path("client").asText()).isEqualTo(url.toString()));
            assertThat(callTool(c, "list_pages", Map.of()).isError()).isNotEqualTo(Boolean.TRUE);
        } finally {
            documents.stop(0);
        }
    }

    @Test
    void dynamicRegistrationOtherwiseAsANativePublicClientWithBothGrants() throws Exception {
        Connector c = connector(b -> b, wiki(AuthMode.OAUTH));

        c.signIn("wiki").get(60, TimeUnit.SECONDS);

        JsonNode registration = single("oauth-register");
        assertThat(registration.path("decision").asText()).isEqualTo("allow");
        assertThat(registration.path("reason").asText()).contains("(none,", "grant_types [authorization_code, refresh_token]",
                "application_type native");
        String clientId = registration.path("client").asText();
        assertThat(query(browser.opened.get(0))).containsEntry("client_id", clientId);
        assertThat(single("oauth-token").path("client").asText()).isEqualTo(clientId);
        assertThat(callTool(c, "list_pages", Map.of()).isError()).isNotEqualTo(Boolean.TRUE);
    }

    // ---- the authorization request and response ---------------------------------------------------------------

    @Test
    void theAuthorizationRequestCarriesPkceStateAndTheResource() throws Exception {
        Connector c = connector(b -> b, wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));

        c.signIn("wiki").get(60, TimeUnit.SECONDS);

        Map<String, String> q = query(browser.opened.get(0));
        assertThat(q).containsEntry("response_type", "code").containsEntry("code_challenge_method", "S256")
                .containsEntry("resource", issuer.server("wiki").toString()).doesNotContainKey("prompt");
        assertThat(q.get("code_challenge")).matches("[A-Za-z0-9_-]{43}");
        assertThat(q.get("state")).hasSizeGreaterThanOrEqualTo(32);
        assertThat(URI.create(q.get("redirect_uri"))).satisfies(r -> {
            assertThat(r.getHost()).isEqualTo("127.0.0.1");
            assertThat(r.getPath()).isEqualTo("/callback");
        });
        assertThat(browser.callbackStatus).containsExactly(200);
        assertThat(single("oauth-token").path("resource").asText()).isEqualTo(issuer.server("wiki").toString());
    }

    @Test
    void aMissingWrongOrTrailingSlashIssEndsTheSignInWithoutATokenRequest() throws Exception {
        Connector c = connector(b -> b, wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));
        for (String fault : List.of("iss-missing", "iss-wrong", "iss-trailing-slash")) {
            issuer.oauthFaults().set(fault);
            assertThatThrownBy(() -> c.signIn("wiki").get(60, TimeUnit.SECONDS))
                    .as(fault).isInstanceOf(ExecutionException.class).cause()
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        assertThat(e.kind()).isEqualTo(ConnectorException.Kind.SIGN_IN_FAILED);
                        assertThat(e.getMessage()).contains(issuer.oauthIssuer().toString());
                    });
            assertThat(events("oauth-fault")).as(fault).anySatisfy(e -> assertThat(e.path("decision").asText()).isEqualTo(fault));
        }
        assertThat(events("oauth-sign-in")).hasSize(3).allSatisfy(e -> assertThat(e.path("decision").asText()).isEqualTo("allow"));
        assertThat(events("oauth-token")).isEmpty();
        assertThatThrownBy(() -> c.token("wiki")).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED));
    }

    // ---- scopes ----------------------------------------------------------------------------------------------

    @Test
    void theScopeComesFromTheChallengeAndOfflineAccessIsAddedBecauseTheServerListsIt() throws Exception {
        Connector c = connector(b -> b, wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));

        ServerStatus s = c.signIn("wiki").get(60, TimeUnit.SECONDS);

        // The wiki's 401 says scope="wiki:read"; its scopes_supported would add wiki:write; the AS lists offline_access.
        assertThat(query(browser.opened.get(0)).get("scope").split(" "))
                .containsExactlyInAnyOrder("wiki:read", "offline_access");
        assertThat(single("oauth-sign-in").path("scopesGranted")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("wiki:read", "offline_access");
        assertThat(s.scopes()).contains("wiki:read").doesNotContain("wiki:write");
    }

    // ---- refresh tokens --------------------------------------------------------------------------------------

    /** In the real OS keyring (run inside {@code .ci/with-keyring}), under a throwaway service name. */
    @Test
    void theRotatedRefreshTokenIsKeptPerServerInTheKeyringAndReadByTheNextConnector() throws Exception {
        KeyringCredentialStore keyring = new KeyringCredentialStore("xaa4j-e2e-" + UUID.randomUUID());
        ServerGrantStore rows = new ServerGrantStore(keyring);
        try {
            rotation(keyring, rows);
        } finally {
            rows.grant("wiki").ifPresent(g -> secrets.add(g.refreshToken()));
            rows.deleteGrant("wiki");
        }
    }

    private void rotation(KeyringCredentialStore keyring, ServerGrantStore rows) throws Exception {
        Connector first = connector(keyring, b -> b, wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));
        first.signIn("wiki").get(60, TimeUnit.SECONDS);
        ServerGrantStore.Grant issued = rows.grant("wiki").orElseThrow();
        assertThat(issued.issuer()).isEqualTo(issuer.oauthIssuer().toString());
        assertThat(issued.clientId()).isEqualTo(PUBLIC_CLIENT);
        secrets.add(issued.refreshToken());
        first.close();

        Connector second = connector(keyring, b -> b, wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));
        assertThat(callTool(second, "list_pages", Map.of()).isError()).isNotEqualTo(Boolean.TRUE);
        String rotated = rows.grant("wiki").orElseThrow().refreshToken();
        assertThat(rotated).isNotEqualTo(issued.refreshToken());
        secrets.add(rotated);
        second.close();

        // A third instance refreshes with the rotated token; the old one would revoke the family (reuse detection).
        Connector third = connector(keyring, b -> b, wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));
        assertThat(third.token("wiki").value()).isNotBlank();
        assertThat(events("oauth-token")).hasSize(3).allSatisfy(e -> assertThat(e.path("decision").asText()).isEqualTo("allow"))
                .extracting(e -> e.path("reason").asText()).filteredOn(r -> r.startsWith("refresh token rotated")).hasSize(2);
        assertThat(browser.opened).hasSize(1);
    }

    @Test
    void afterAnAuthorizationServerMigrationTheClientRegistersAtTheNewServerAndNoOldGrantGoesThere() throws Exception {
        Connector c = connector(b -> b.serverSignInOnDemand(true), wiki(AuthMode.OAUTH));
        c.signIn("wiki").get(60, TimeUnit.SECONDS);
        String oldClient = single("oauth-register").path("client").asText();
        secrets.add(new ServerGrantStore(store).grant("wiki").orElseThrow().refreshToken());
        int mark = auditEntries().size();

        issuer.oauthFaults().set("as-migration");
        assertThat(callTool(c, "list_pages", Map.of()).isError()).isNotEqualTo(Boolean.TRUE);

        List<JsonNode> all = auditEntries(); // read once: the MCP server appends its own lines (mcp-request) meanwhile
        List<JsonNode> after = all.subList(mark, all.size());
        assertThat(after).filteredOn(e -> e.path("event").asText().equals("oauth-register"))
                .singleElement().satisfies(e -> assertThat(e.path("client").asText()).isNotEqualTo(oldClient));
        assertThat(after).filteredOn(e -> e.path("event").asText().startsWith("oauth-") && !e.path("event").asText().equals("oauth-fault"))
                .isNotEmpty().allSatisfy(e -> assertThat(e.path("client").asText()).isNotEqualTo(oldClient));
        // No refresh token of /oauth was presented at /oauth2 (it would be refused there: an oauth-token deny).
        assertThat(after).filteredOn(e -> e.path("event").asText().equals("oauth-token"))
                .singleElement().satisfies(e -> {
                    assertThat(e.path("decision").asText()).isEqualTo("allow");
                    assertThat(e.path("reason").asText()).startsWith("code redeemed");
                });
        ServerGrantStore.Grant grant = new ServerGrantStore(store).grant("wiki").orElseThrow();
        assertThat(grant.issuer()).isEqualTo(issuer.secondOAuthIssuer().toString());
        assertThat(grant.clientId()).isNotEqualTo(oldClient);
        assertThat(browser.opened).hasSize(2);
        assertThat(browser.opened.get(1).toString()).startsWith(issuer.secondOAuthIssuer() + "/authorize?");
    }

    // ---- step-up ---------------------------------------------------------------------------------------------

    @Test
    void aliceStepsUpToTheUnionOfScopesWhenEditPageAnswersInsufficientScope() throws Exception {
        Connector c = connector(b -> b.serverSignInOnDemand(true), wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));
        c.signIn("wiki").get(60, TimeUnit.SECONDS);

        McpSchema.CallToolResult edited = callTool(c, "edit_page", Map.of("title", "Step-up", "text", "needs wiki:write"));

        assertThat(edited.isError()).isNotEqualTo(Boolean.TRUE);
        List<JsonNode> signIns = events("oauth-sign-in");
        assertThat(signIns).hasSize(2);
        assertThat(signIns.get(1).path("scopesRequested")).extracting(JsonNode::asText).contains("wiki:read", "wiki:write");
        assertThat(signIns.get(1).path("scopesGranted")).extracting(JsonNode::asText).contains("wiki:read", "wiki:write");
        assertThat(c.status().servers().get("wiki").scopes()).contains("wiki:write");
    }

    /**
     * A bridge's connector (no browser) meets the 403 step-up: it records the scopes it needs, and the person's next
     * sign-in in another process ({@code xaa login wiki}: a second connector) asks for them too, so the bridge's
     * next call works with the new grant instead of failing again (found by the newcomer trial: a dead end).
     */
    @Test
    void aStepUpABridgeCouldNotMakeIsAskedForByTheNextSignInElsewhere() throws Exception {
        Connector login = connector(b -> b, wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));
        login.signIn("wiki").get(60, TimeUnit.SECONDS);
        Connector bridge = connector(b -> b, wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));

        Throwable refused = callToolFailure(bridge, "edit_page", Map.of("title", "Step-up", "text", "later"));
        assertThat(refused).isNotNull();
        assertThat(causes(refused)).anySatisfy(t -> assertThat(t).isInstanceOfSatisfying(ConnectorException.class,
                e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED)));
        assertThat(new ServerGrantStore(store).wantedScopes("wiki")).contains("wiki:write");

        login.signIn("wiki").get(60, TimeUnit.SECONDS);
        List<JsonNode> signIns = events("oauth-sign-in");
        assertThat(signIns.get(signIns.size() - 1).path("scopesRequested")).extracting(JsonNode::asText)
                .contains("wiki:read", "wiki:write");
        assertThat(new ServerGrantStore(store).wantedScopes("wiki")).isEmpty();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                callToolFailure(bridge, "edit_page", Map.of("title", "Step-up", "text", "now"))).isNull());
    }

    /**
     * {@code xaa logout wiki} and {@code xaa status} run in a fresh process that has decided no flow yet: a stored grant
     * is enough to show the server as per-server sign-in and to revoke it at its AS (RFC 7009) on sign-out.
     */
    @Test
    void aFreshConnectorShowsAStoredGrantsFlowAndRevokesItOnSignOut() throws Exception {
        Connector first = connector(b -> b, wiki(AuthMode.AUTO).withOAuthClientId(PUBLIC_CLIENT));
        first.signIn("wiki").get(60, TimeUnit.SECONDS);
        secrets.add(new ServerGrantStore(store).grant("wiki").orElseThrow().refreshToken());
        first.close();

        Connector fresh = connector(b -> b, wiki(AuthMode.AUTO).withOAuthClientId(PUBLIC_CLIENT));
        assertThat(fresh.status().servers().get("wiki").flow()).isEqualTo(AuthMode.OAUTH);
        assertThat(fresh.status().servers().get("wiki").flowReason()).hasValueSatisfying(r -> assertThat(r).contains("earlier sign-in"));
        fresh.signOut("wiki");

        assertThat(events("oauth-revocation")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.path("decision").asText()).isNotEqualTo("deny"));
        assertThat(new ServerGrantStore(store).grant("wiki")).isEmpty();
        assertThat(fresh.status().servers().get("wiki").flow()).isEqualTo(AuthMode.AUTO);
    }

    @Test
    void bobIsReAuthorizedForTheUnionAndTheCallFailsWithoutAnotherAuthorization() throws Exception {
        admin("dev-auto-approve", "{\"user\":\"bob\"}");
        Connector c = connector(b -> b.serverSignInOnDemand(true), wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));
        c.signIn("wiki").get(60, TimeUnit.SECONDS);

        Throwable failed = callToolFailure(c, "edit_page", Map.of("title", "Step-up", "text", "bob may not"));

        List<JsonNode> signIns = events("oauth-sign-in");
        assertThat(signIns).hasSize(2);
        assertThat(signIns.get(1).path("scopesRequested")).extracting(JsonNode::asText).contains("wiki:read", "wiki:write");
        assertThat(signIns).allSatisfy(e -> assertThat(e.path("scopesGranted")).extracting(JsonNode::asText)
                .doesNotContain("wiki:write"));
        assertThat(failed).isNotNull();
        assertThat(callTool(c, "list_pages", Map.of()).isError()).isNotEqualTo(Boolean.TRUE); // what bob may do still works
    }

    @Test
    void anInsufficientScopeLoopStopsAfterAtMostThreeAuthorizationRequests() throws Exception {
        Connector c = connector(b -> b.serverSignInOnDemand(true), wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));

        List<Throwable> failures = insufficientScopeLoop(c, 4);

        assertThat(failures).doesNotContainNull();
        assertThat(events("oauth-fault")).anySatisfy(e -> assertThat(e.path("decision").asText()).isEqualTo("insufficient-scope-loop"));
        assertThat(events("oauth-sign-in")).hasSizeBetween(1, 3);
    }

    /** Signs in (scope {@code wiki:read}), turns the fault on and makes {@code calls} MCP calls; their failures. */
    private List<Throwable> insufficientScopeLoop(Connector c, int calls) throws Exception {
        c.signIn("wiki").get(60, TimeUnit.SECONDS);
        issuer.oauthFaults().set("insufficient-scope-loop");
        List<Throwable> failures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            failures.add(callToolFailure(c, "list_pages", Map.of()));
        }
        return failures;
    }

    /**
     * Issue 11 item 8: a 403 loop is "rejected with a clear message". Fails on the merged tree (see the commit): the
     * MCP caller gets only the SDK's "Authorization error when sending message" and the status stays READY.
     */
    @Test
    void anInsufficientScopeLoopEndsInATypedErrorThatNamesTheScopes() throws Exception {
        Connector c = connector(b -> b.serverSignInOnDemand(true), wiki(AuthMode.OAUTH).withOAuthClientId(PUBLIC_CLIENT));

        List<Throwable> failures = insufficientScopeLoop(c, 3);

        assertThat(failures).doesNotContainNull();
        Optional<ScopeDeniedException> typed = failures.stream().flatMap(PlainOAuthEndToEndTest::causes)
                .filter(ScopeDeniedException.class::isInstance).map(ScopeDeniedException.class::cast).findFirst();
        ServerStatus wiki = c.status().servers().get("wiki");
        assertThat(typed.map(Throwable::getMessage).or(wiki::lastError))
                .as("the caller's error or the server's status says which scopes were refused")
                .hasValueSatisfying(m -> assertThat(m).contains("wiki:write"));
    }

    private static java.util.stream.Stream<Throwable> causes(Throwable t) {
        return java.util.stream.Stream.iterate(t, java.util.Objects::nonNull, Throwable::getCause);
    }

    // ---- the flow choice -------------------------------------------------------------------------------------

    /**
     * Carol has no profile for {@code notes}; bob's is revoked by the administrator. The connector may open the browser
     * on demand, so a fallback to per-server OAuth would show up in the audit as an authorization at {@code /oauth}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"carol", "bob"})
    void autoChoosesPlainOAuthForTheWikiAndEnterpriseForNotesAndAnEmaDenialNeverFallsBack(String user) throws Exception {
        admin("dev-auto-approve", "{\"user\":\"" + user + "\"}");
        if (user.equals("bob")) {
            admin("revoke", "{\"user\":\"bob\",\"server\":\"notes\"}");
        }
        try {
            Connector c = connector(b -> SampleIssuerFixture.withTestBrowser(b.serverSignInOnDemand(true)
                            .idp(new IdpConfig(issuer.idpIssuer(), SampleIssuerFixture.IDP_CLIENT, ClientAuthMethod.CLIENT_SECRET_BASIC))
                            .clientCredentials(SampleIssuerFixture.secrets()), tmp, user),
                    wiki(AuthMode.AUTO),
                    ServerConfig.of("notes", issuer.server("notes"), SampleIssuerFixture.AS_CLIENT, ClientAuthMethod.CLIENT_SECRET_BASIC));

            c.signIn().get(60, TimeUnit.SECONDS);
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(() -> c.token("notes")).isInstanceOfSatisfying(ConnectorException.class, e -> assertThat(e.kind())
                        .isIn(ConnectorException.Kind.ACCESS_DENIED, ConnectorException.Kind.SERVER_NOT_ENABLED));
            }

            assertThat(c.status().servers().get("notes").flow()).isEqualTo(AuthMode.EMA);
            assertThat(c.status().servers().get("notes").lastErrorKind()).isPresent();
            assertThat(events("token-exchange")).isNotEmpty().allSatisfy(e -> {
                assertThat(e.path("user").asText()).isEqualTo(user);
                assertThat(e.path("decision").asText()).isEqualTo("deny");
            });
            assertThat(events("oauth-sign-in", "oauth-register", "oauth-token", "oauth-cimd")).isEmpty();
            assertThat(browser.opened).isEmpty();

            try {
                c.token("wiki"); // bob may read the wiki; carol is refused at /oauth
            } catch (ConnectorException expectedForCarol) {
                assertThat(user).isEqualTo("carol");
            }
            assertThat(c.status().servers().get("wiki").flow()).isEqualTo(AuthMode.OAUTH);
            assertThat(browser.opened).singleElement().satisfies(u ->
                    assertThat(query(u)).containsEntry("resource", issuer.server("wiki").toString()));
            assertThat(events("oauth-sign-in")).singleElement().satisfies(e ->
                    assertThat(e.path("resource").asText()).isEqualTo(issuer.server("wiki").toString()));
        } finally {
            if (user.equals("bob")) {
                admin("restore", "{\"user\":\"bob\",\"server\":\"notes\"}");
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private ServerConfig wiki(AuthMode mode) {
        return ServerConfig.of("wiki", issuer.server("wiki"), "unused", ClientAuthMethod.NONE).withAuth(mode);
    }

    /** A connector over {@link #store} with the test browser, no journal, its state in {@code tmp/state}. */
    private Connector connector(Customizer more, ServerConfig... servers) {
        return connector(store, more, servers);
    }

    private Connector connector(CredentialStore grants, Customizer more, ServerConfig... servers) {
        Connector.Builder b = ConnectorInternals.credentialStore(Connector.builder(), grants)
                .clientCredentials(ClientCredentialsSource.ofSecrets(Map.of(CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET)))
                .stateDir(tmp.resolve("state")).journal(false);
        for (ServerConfig s : servers) {
            b.server(s);
        }
        try {
            Connector c = ConnectorInternals.browserLauncher(more.apply(b), browser).build();
            connectors.add(c);
            return c;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    interface Customizer {
        Connector.Builder apply(Connector.Builder b) throws Exception;
    }

    private static McpSchema.CallToolResult callTool(Connector c, String tool, Map<String, Object> args) {
        try (McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(c, "wiki"))
                .requestTimeout(Duration.ofSeconds(20)).build()) {
            client.initialize();
            return client.callTool(new McpSchema.CallToolRequest(tool, args));
        }
    }

    /** The failure of an MCP {@code tools/call} of {@code tool}, or null when it succeeded. */
    private static Throwable callToolFailure(Connector c, String tool, Map<String, Object> args) {
        try {
            McpSchema.CallToolResult r = callTool(c, tool, args);
            return Boolean.TRUE.equals(r.isError()) ? new AssertionError("tool error: " + r.content()) : null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    private List<JsonNode> auditEntries() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(issuer.auditFile())) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    /** The audit entries of these events since the test began, in order. */
    private List<JsonNode> events(String... names) throws IOException {
        Predicate<JsonNode> wanted = e -> List.of(names).contains(e.path("event").asText());
        List<JsonNode> all = auditEntries();
        return all.subList(auditMark, all.size()).stream().filter(wanted).toList();
    }

    private JsonNode single(String event) throws IOException {
        List<JsonNode> found = events(event);
        assertThat(found).as(event).hasSize(1);
        return found.get(0);
    }

    /** The decoded query parameters of {@code uri} (first value of each). */
    private static Map<String, String> query(URI uri) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String pair : Optional.ofNullable(uri.getRawQuery()).orElse("").split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String origin(URI u) {
        return u.getScheme() + "://" + u.getRawAuthority();
    }

    private static int status(URI u) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(u).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void admin(String op, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/" + op))
                .header("Authorization", "Bearer " + issuer.adminToken()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(op + ": " + r.body()).isEqualTo(200);
    }
}
