package dev.xaa4j.connector.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.JwtBearerScope;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.TestJwts;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.grant.ClientAuthFactory;
import dev.xaa4j.connector.internal.grant.IdJagExchange;
import dev.xaa4j.connector.internal.grant.JwtBearerGrant;
import dev.xaa4j.testing.MutableClock;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.jetbrains.annotations.NotNull;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The renewal chain against a fake IdP + AS on one MockWebServer (docs/protocol.md §1 steps 2–3, §4, §5). */
class XaaTokenFetcherTest {

    static final String ID_JAG_URN = "urn:ietf:params:oauth:token-type:id-jag";

    @StartStop
    final MockWebServer server = new MockWebServer();

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    final ConcurrentLinkedQueue<String> exchangeErrors = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> bearerErrors = new ConcurrentLinkedQueue<>();
    final List<Map<String, String>> exchanges = new ArrayList<>();
    final List<Map<String, String>> bearers = new ArrayList<>();
    final AtomicInteger idTokenRenewals = new AtomicInteger();
    XaaTokenFetcher fetcher;
    ServerMetadata meta;
    ServerConfig notes;
    ClientCredentialsSource secrets;
    /** The scope the fake IdP grants in every exchange. */
    volatile String idpGrants = "notes.read";

    @BeforeEach
    void setUp() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public @NotNull MockResponse dispatch(@NotNull RecordedRequest r) {
                Map<String, String> form = form(r.getBody().utf8());
                if (r.getTarget().startsWith("/idp/token")) {
                    synchronized (exchanges) {
                        exchanges.add(form);
                    }
                    String error = exchangeErrors.poll();
                    if (error != null) {
                        return json(400, error.startsWith("{") ? error : "{\"error\":\"" + error + "\"}");
                    }
                    String jag = TestJwts.jwt("oauth-id-jag+jwt", "alice", clock.instant(), clock.instant().plusSeconds(300),
                            "https://as.test/", "https://mcp.test/notes/mcp");
                    return json(200, "{\"issued_token_type\":\"" + ID_JAG_URN + "\",\"access_token\":\"" + jag
                            + "\",\"token_type\":\"N_A\",\"expires_in\":300,\"scope\":\"" + idpGrants + "\"}");
                }
                synchronized (bearers) {
                    bearers.add(form);
                }
                String error = bearerErrors.poll();
                if (error != null) {
                    return json(400, "{\"error\":\"" + error + "\"}");
                }
                return json(200, "{\"access_token\":\"at-" + bearers.size() + "\",\"token_type\":\"Bearer\",\"expires_in\":5}");
            }
        });
        AuthorizationServerMetadata as = new AuthorizationServerMetadata(new Issuer("https://as.test/"));
        as.setTokenEndpointURI(server.url("/as/token").uri());
        meta = new ServerMetadata(URI.create("https://mcp.test/notes/mcp"), "https://mcp.test/notes/mcp", as,
                List.of("notes.read"), Optional.empty(), URI.create("https://mcp.test/.well-known/oauth-protected-resource/notes/mcp"));
        notes = ServerConfig.of("notes", URI.create("https://mcp.test/notes/mcp"), "xaa4j-agent",
                ClientAuthMethod.CLIENT_SECRET_BASIC).withScopes(List.of("notes.read"));
        secrets = ClientCredentialsSource.ofSecrets(Map.of("xaa4j-idp", "a", "xaa4j-agent", "b"));
        IdTokenProvider idTokens = new IdTokenProvider() {
            volatile String current = "id-token-1";

            public String idToken() {
                return current;
            }

            public String renewAfterRejection(String rejected) {
                current = "id-token-" + (idTokenRenewals.incrementAndGet() + 1);
                return current;
            }
        };
        fetcher = new XaaTokenFetcher("https://idp.test", () -> server.url("/idp/token").uri(),
                ClientAuthFactory.create(ClientAuthMethod.CLIENT_SECRET_BASIC, "https://idp.test", "xaa4j-idp", secrets),
                Map.of("notes", notes), cfg -> meta, secrets, idTokens,
                new IdJagExchange(clock, Duration.ofSeconds(2)), new JwtBearerGrant(clock, Duration.ofSeconds(2)));
    }

    @Test
    void oneRenewalIsExactlyTwoRoundTripsAndKeysTheToken() {
        TokenFetcher.Fetched f = fetcher.fetch("notes", Set.of());
        assertThat(server.getRequestCount()).isEqualTo(2);
        assertThat(f.key()).isEqualTo(new TokenKey("https://idp.test", "https://as.test/", "https://mcp.test/notes/mcp", "notes.read"));
        assertThat(exchanges.get(0)).containsEntry("audience", "https://as.test/").containsEntry("resource", "https://mcp.test/notes/mcp")
                .containsEntry("subject_token", "id-token-1").containsEntry("scope", "notes.read");
        assertThat(bearers.get(0)).containsEntry("scope", "notes.read").containsEntry("resource", "https://mcp.test/notes/mcp");
        assertThat(f.token().value()).isEqualTo("at-1");
        assertThat(f.token().expiresAt()).isEqualTo(clock.instant().plusSeconds(5));
    }

    @Test
    void everyJwtBearerCallGetsAFreshIdJag() {
        bearerErrors.add("invalid_grant"); // e.g. jti replay or expired ID-JAG
        fetcher.fetch("notes", Set.of());
        fetcher.fetch("notes", Set.of());
        assertThat(bearers).hasSize(3);
        assertThat(exchanges).hasSize(3);
        assertThat(bearers.stream().map(b -> b.get("assertion")).distinct()).hasSize(3);
    }

    @Test
    void aRepeatedlyRejectedIdJagMeansAccessDenied() {
        bearerErrors.add("invalid_grant");
        bearerErrors.add("invalid_grant");
        assertThatThrownBy(() -> fetcher.fetch("notes", Set.of())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.ACCESS_DENIED);
        assertThat(server.getRequestCount()).isEqualTo(4); // no retry storm: 2 exchanges, 2 redemptions
    }

    @Test
    void aRejectedIdTokenIsRenewedOnceThenAccessIsDenied() {
        exchangeErrors.add("invalid_grant");
        assertThat(fetcher.fetch("notes", Set.of()).token().value()).isEqualTo("at-1");
        assertThat(exchanges).extracting(m -> m.get("subject_token")).containsExactly("id-token-1", "id-token-2");

        exchangeErrors.add("invalid_grant");
        exchangeErrors.add("invalid_grant");
        assertThatThrownBy(() -> fetcher.fetch("notes", Set.of())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.ACCESS_DENIED)
                .hasMessageContaining("refused to issue an ID-JAG for 'notes'").hasMessageContaining("invalid_grant")
                .hasMessageNotContaining("revoked");
        assertThat(idTokenRenewals).hasValue(2);
    }

    @Test
    void stepUpScopesAreAddedToTheConfiguredOnes() {
        fetcher.fetch("notes", Set.of("notes.write"));
        assertThat(exchanges.get(0)).containsEntry("scope", "notes.read notes.write");
    }

    @Test
    void invalidScopeIsRetriedOnceWithoutScopeAtEitherParty() {
        exchangeErrors.add("invalid_scope");
        fetcher.fetch("notes", Set.of());
        assertThat(exchanges).hasSize(2);
        assertThat(exchanges.get(0)).containsKey("scope");
        assertThat(exchanges.get(1)).doesNotContainKey("scope");

        bearerErrors.add("invalid_scope");
        fetcher.fetch("notes", Set.of());
        assertThat(bearers).hasSize(3);
        assertThat(bearers.get(1)).containsKey("scope");
        assertThat(bearers.get(2)).doesNotContainKey("scope");
        assertThat(bearers.get(2).get("assertion")).isNotEqualTo(bearers.get(1).get("assertion"));
    }

    @Test
    void jwtBearerScopeInheritSendsTheIdJagsGrantedScope() {
        idpGrants = "notes.read";
        TokenFetcher.Fetched f = withScope(JwtBearerScope.INHERIT).fetch("notes", Set.of());
        assertThat(exchanges.get(0)).containsEntry("scope", "notes.read notes.write");
        assertThat(bearers.get(0)).containsEntry("scope", "notes.read");
        assertThat(f.token().scopes()).containsExactly("notes.read");
    }

    @Test
    void jwtBearerScopeSendSendsTheRequestedScopesStepUpIncluded() {
        idpGrants = "notes.read";
        TokenFetcher.Fetched f = withScope(JwtBearerScope.SEND).fetch("notes", Set.of());
        assertThat(bearers.get(0)).containsEntry("scope", "notes.read notes.write")
                .containsEntry("resource", "https://mcp.test/notes/mcp");
        assertThat(f.token().scopes()).as("no scope in the response: the requested ones (RFC 6749 §5.1)")
                .containsExactlyInAnyOrder("notes.read", "notes.write");

        idpGrants = "notes.read notes.write notes.admin";
        withScope(JwtBearerScope.SEND).fetch("notes", Set.of("notes.admin"), Set.of("notes.admin"));
        assertThat(bearers.get(1)).containsEntry("scope", "notes.admin notes.read notes.write");
    }

    @Test
    void jwtBearerScopeOmitSendsNoScopeParameter() {
        idpGrants = "notes.read";
        TokenFetcher.Fetched f = withScope(JwtBearerScope.OMIT).fetch("notes", Set.of());
        assertThat(exchanges.get(0)).containsEntry("scope", "notes.read notes.write");
        assertThat(bearers.get(0)).doesNotContainKey("scope").containsKeys("assertion", "resource");
        assertThat(f.token().scopes()).as("the AS takes the ID-JAG's").containsExactly("notes.read");
    }

    @Test
    void jwtBearerResourceIsSentByDefault() {
        assertThat(notes.jwtBearerResource()).isTrue();
        fetcher.fetch("notes", Set.of());
        assertThat(bearers.get(0)).containsEntry("resource", "https://mcp.test/notes/mcp");
        assertThat(exchanges.get(0)).as("the exchange names the resource either way")
                .containsEntry("resource", "https://mcp.test/notes/mcp");
    }

    @Test
    void jwtBearerResourceOmitLeavesItOffEveryRedemptionRetriesIncluded() {
        notes = notes.withJwtBearerResource(false);
        bearerErrors.add("invalid_grant");
        TokenFetcher.Fetched f = fetcher(cfg -> meta, () -> "id-token-1").fetch("notes", Set.of());
        assertThat(bearers).hasSize(2);
        assertThat(bearers).allSatisfy(b -> assertThat(b).doesNotContainKey("resource")
                .containsKeys("assertion", "grant_type", "scope"));
        assertThat(exchanges).hasSize(2).allSatisfy(e -> assertThat(e)
                .as("the ID-JAG still names the resource").containsEntry("resource", "https://mcp.test/notes/mcp"));
        assertThat(f.token().value()).isEqualTo("at-2");
        assertThat(f.key().resource()).as("the token is still keyed by its resource")
                .isEqualTo("https://mcp.test/notes/mcp");
    }

    @Test
    void invalidScopeAfterSendIsRetriedOnceWithoutScopeWithAFreshIdJag() {
        bearerErrors.add("invalid_scope");
        withScope(JwtBearerScope.SEND).fetch("notes", Set.of());
        assertThat(bearers).hasSize(2);
        assertThat(bearers.get(0)).containsEntry("scope", "notes.read notes.write");
        assertThat(bearers.get(1)).doesNotContainKey("scope");
        assertThat(bearers.get(1).get("assertion")).isNotEqualTo(bearers.get(0).get("assertion"));
        assertThat(exchanges).hasSize(2);
    }

    @Test
    void invalidScopeAfterOmitIsReportedWithoutARetry() {
        bearerErrors.add("invalid_scope");
        assertThatThrownBy(() -> withScope(JwtBearerScope.OMIT).fetch("notes", Set.of()))
                .isInstanceOf(ConnectorException.class).hasMessageContaining("does not accept the requested scopes");
        assertThat(bearers).hasSize(1);
        assertThat(exchanges).hasSize(1);
    }

    /**
     * Single-use ID-JAGs (the MCP profile's {@code jti} replay rejection, which Keycloak enforces): every token the
     * token cache fetches — the first, the renewal after expiry, the one after the MCP server rejected a token —
     * comes from a new exchange at the IdP and presents an ID-JAG with its own {@code jti}.
     */
    @Test
    @Timeout(10)
    void expiryAndInvalidationEachRedeemAFreshIdJagWithItsOwnJti() throws Exception {
        try (TokenManager tokens = new TokenManager(fetcher, clock, RenewalPolicy.defaults(), e -> { },
                "notes"::equals)) {
            AccessToken first = tokens.token("notes");
            clock.advance(Duration.ofSeconds(6)); // past expires_in 5
            AccessToken renewed = tokens.token("notes");
            assertThat(renewed.value()).isNotEqualTo(first.value());
            assertThat(tokens.invalidate("notes", renewed.value())).isTrue(); // the MCP server answered 401
            AccessToken afterRejection = tokens.token("notes");
            assertThat(afterRejection.value()).isNotIn(first.value(), renewed.value());
        }
        assertThat(exchanges).hasSize(3);
        assertThat(bearers).hasSize(3);
        List<String> jtis = new ArrayList<>();
        for (Map<String, String> b : bearers) {
            jtis.add(com.nimbusds.jwt.SignedJWT.parse(b.get("assertion")).getJWTClaimsSet().getJWTID());
        }
        assertThat(jtis).doesNotContainNull().doesNotHaveDuplicates();
    }

    /** The fetcher for {@link #notes} with {@code notes.read notes.write} configured and the given jwt-bearer scope. */
    private XaaTokenFetcher withScope(JwtBearerScope choice) {
        notes = notes.withScopes(List.of("notes.read", "notes.write")).withJwtBearerScope(choice);
        return fetcher(cfg -> meta, () -> "id-token-1");
    }

    @Test
    void anIdpThatTakesOnlyAccessTokensAsSubjectTokenIsReportedAsSuchNotAsRevokedAccess() {
        // Keycloak's standard token exchange, asked for an ID-JAG with an ID token as subject_token:
        String keycloak = "{\"error\":\"invalid_request\",\"error_description\":"
                + "\"Parameter 'subject_token' supports access tokens only\"}";
        exchangeErrors.add(keycloak);
        exchangeErrors.add(keycloak);

        assertThatThrownBy(() -> fetcher.fetch("notes", Set.of()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("Your IdP does not issue ID-JAGs for ID tokens")
                .hasMessageContaining("rejected a freshly renewed ID token as subject_token")
                .hasMessageContaining("invalid_request: Parameter 'subject_token' supports access tokens only")
                .hasMessageContaining("Ask your administrator to enable")
                .hasMessageNotContaining("revoked");
        assertThat(exchanges).extracting(m -> m.get("subject_token")).containsExactly("id-token-1", "id-token-2");
        assertThat(bearers).isEmpty();
    }

    @Test
    void anIdpDenyingAStepUpScopeIsNamedAndNotRetriedWithoutScope() {
        exchangeErrors.add("{\"error\":\"invalid_scope\",\"error_description\":\"policy denies notes.write\"}");

        assertThatThrownBy(() -> fetcher.fetch("notes", Set.of("notes.write"), Set.of("notes.write")))
                .isInstanceOfSatisfying(ScopeDeniedException.class, e -> {
                    assertThat(e.scopes()).containsExactly("notes.write");
                    assertThat(e.server()).contains("notes");
                })
                .hasMessageContaining("Your IdP's policy does not grant scope 'notes.write' for 'notes'")
                .hasMessageContaining("invalid_scope: policy denies notes.write")
                .hasMessageNotContaining("MCP server refused");
        assertThat(exchanges).as("no silent retry without scope").hasSize(1);
        assertThat(exchanges.get(0)).containsEntry("scope", "notes.read notes.write");
        assertThat(bearers).isEmpty();
    }

    @Test
    void anIdpLeavingAStepUpScopeOutOfTheGrantIsNamedToo() {
        // the fake IdP grants notes.read only (RFC 6749 §5.1: a narrower scope is returned in "scope")
        assertThatThrownBy(() -> fetcher.fetch("notes", Set.of("notes.write"), Set.of("notes.write")))
                .isInstanceOf(ScopeDeniedException.class)
                .hasMessageContaining("does not grant scope 'notes.write' for 'notes' (it granted only 'notes.read')");
        assertThat(bearers).isEmpty();
    }

    @Test
    void anAuthorizationServerRefusingAStepUpScopeIsNamedAndNotRetriedWithoutScope() {
        idpGrants = "notes.read notes.write";
        bearerErrors.add("invalid_scope");

        assertThatThrownBy(() -> fetcher.fetch("notes", Set.of("notes.write"), Set.of("notes.write")))
                .isInstanceOf(ScopeDeniedException.class)
                .hasMessageContaining("The authorization server of 'notes' does not grant scope 'notes.write' (invalid_scope)");
        assertThat(bearers).as("no silent retry without scope").hasSize(1);
    }

    @Test
    @Timeout(10)
    void theIdTokenIsReadWhileTheServerIsDiscovered() {
        CountDownLatch idTokenRead = new CountDownLatch(1);
        AtomicBoolean overlapped = new AtomicBoolean();
        XaaTokenFetcher parallel = fetcher(cfg -> {
            try {
                overlapped.set(idTokenRead.await(5, TimeUnit.SECONDS)); // sequential: the ID token is read only after this
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return meta;
        }, () -> {
            idTokenRead.countDown();
            return "id-token-1";
        });

        assertThat(parallel.fetch("notes", Set.of()).token().value()).isEqualTo("at-1");
        assertThat(overlapped).as("the ID token was read while the server was being discovered").isTrue();
        assertThat(exchanges.get(0)).containsEntry("subject_token", "id-token-1");
    }

    @Test
    @Timeout(10)
    void aServerDiscoveryFailureIsReportedBeforeAnIdTokenFailureAsInSequence() {
        XaaTokenFetcher parallel = fetcher(cfg -> {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "no metadata");
        }, () -> {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "no session");
        });

        assertThatThrownBy(() -> parallel.fetch("notes", Set.of())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessage("no metadata");
        assertThat(server.getRequestCount()).isZero();
    }

    @Test
    @Timeout(10)
    void anIdTokenFailureEndsTheRenewalBeforeAnyExchange() {
        AtomicInteger reads = new AtomicInteger();
        XaaTokenFetcher parallel = fetcher(cfg -> meta, () -> {
            reads.incrementAndGet();
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "no session");
        });

        assertThatThrownBy(() -> parallel.fetch("notes", Set.of())).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessage("no session");
        assertThat(reads).as("the failure is reported once, not read again").hasValue(1);
        assertThat(server.getRequestCount()).isZero();
    }

    /** A fetcher with its own server discovery and ID tokens (renewals are not expected). */
    private XaaTokenFetcher fetcher(java.util.function.Function<ServerConfig, ServerMetadata> discovery,
                                    java.util.function.Supplier<String> idToken) {
        IdTokenProvider idTokens = new IdTokenProvider() {
            public String idToken() {
                return idToken.get();
            }

            public String renewAfterRejection(String rejected) {
                throw new AssertionError("no renewal expected");
            }
        };
        return new XaaTokenFetcher("https://idp.test", () -> server.url("/idp/token").uri(),
                ClientAuthFactory.create(ClientAuthMethod.CLIENT_SECRET_BASIC, "https://idp.test", "xaa4j-idp", secrets),
                Map.of("notes", notes), discovery, secrets, idTokens,
                new IdJagExchange(clock, Duration.ofSeconds(2)), new JwtBearerGrant(clock, Duration.ofSeconds(2)));
    }

    static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
    }

    static Map<String, String> form(String body) {
        Map<String, String> m = new HashMap<>();
        for (String pair : body.split("&")) {
            int i = pair.indexOf('=');
            if (i > 0) {
                m.put(URLDecoder.decode(pair.substring(0, i), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }
}
