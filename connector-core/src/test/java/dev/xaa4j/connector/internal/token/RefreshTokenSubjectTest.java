package dev.xaa4j.connector.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.xaa4j.connector.internal.token.XaaTokenFetcherTest.form;
import static dev.xaa4j.connector.internal.token.XaaTokenFetcherTest.json;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.TestJwts;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.grant.ClientAuthFactory;
import dev.xaa4j.connector.internal.grant.IdJagExchange;
import dev.xaa4j.connector.internal.grant.JwtBearerGrant;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.jetbrains.annotations.NotNull;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IdP refresh token as {@code subject_token} (ID-JAG draft -04 §4.3.2, docs/protocol.md §4): first choice,
 * the fallback to the ID token remembered per IdP when it does not take them, rotation persisted, the session never
 * deleted by a refused exchange. Wire
 * exact against a fake IdP + AS on one MockWebServer; the session is a real {@link SessionIdTokenProvider}.
 */
@Timeout(30)
class RefreshTokenSubjectTest {

    static final String ID_JAG_URN = "urn:ietf:params:oauth:token-type:id-jag";
    static final String RT_URN = "urn:ietf:params:oauth:token-type:refresh_token";
    static final String ID_TOKEN_URN = "urn:ietf:params:oauth:token-type:id_token";

    @StartStop
    final MockWebServer server = new MockWebServer();

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    /** Answers to refresh-token-subject exchanges, in order (an error code, or "rotate:NEW" for a rotated RT). */
    final ConcurrentLinkedQueue<String> rtAnswers = new ConcurrentLinkedQueue<>();
    final List<Map<String, String>> exchanges = new ArrayList<>();
    final AtomicInteger idTokenRefreshes = new AtomicInteger();
    final FakeSessions sessions = new FakeSessions(new ReentrantLock());
    XaaTokenFetcher fetcher;

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
                    String rotated = null;
                    if (RT_URN.equals(form.get("subject_token_type"))) {
                        String answer = rtAnswers.poll();
                        if (answer != null && answer.startsWith("rotate:")) {
                            rotated = answer.substring("rotate:".length());
                        } else if (answer != null) {
                            return json(400, "{\"error\":\"" + answer + "\",\"error_description\":\"no\"}");
                        }
                    }
                    String jag = TestJwts.jwt("oauth-id-jag+jwt", "alice", clock.instant(), clock.instant().plusSeconds(300),
                            "https://as.test/", "https://mcp.test/notes/mcp");
                    return json(200, "{\"issued_token_type\":\"" + ID_JAG_URN + "\",\"access_token\":\"" + jag
                            + "\",\"token_type\":\"N_A\",\"expires_in\":300"
                            + (rotated == null ? "" : ",\"refresh_token\":\"" + rotated + "\"") + "}");
                }
                return json(200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":60}");
            }
        });
        AuthorizationServerMetadata as = new AuthorizationServerMetadata(new Issuer("https://as.test/"));
        as.setTokenEndpointURI(server.url("/as/token").uri());
        ServerMetadata meta = new ServerMetadata(URI.create("https://mcp.test/notes/mcp"), "https://mcp.test/notes/mcp", as,
                List.of("notes.read"), Optional.empty(), URI.create("https://mcp.test/.well-known/oauth-protected-resource/notes/mcp"));
        ServerConfig notes = ServerConfig.of("notes", URI.create("https://mcp.test/notes/mcp"), "xaa4j-agent",
                ClientAuthMethod.CLIENT_SECRET_BASIC).withScopes(List.of("notes.read"));
        ClientCredentialsSource secrets = ClientCredentialsSource.ofSecrets(Map.of("xaa4j-idp", "a", "xaa4j-agent", "b"));
        sessions.save(session("rt-1", clock.instant().plusSeconds(3600)));
        SessionIdTokenProvider idTokens = new SessionIdTokenProvider(sessions, current -> {
            idTokenRefreshes.incrementAndGet();
            IdpSession next = session(current.refreshToken().orElseThrow(), clock.instant().plusSeconds(3600));
            sessions.save(next);
            return next;
        }, clock, Duration.ofSeconds(60));
        fetcher = new XaaTokenFetcher("https://idp.test", () -> server.url("/idp/token").uri(),
                ClientAuthFactory.create(ClientAuthMethod.CLIENT_SECRET_BASIC, "https://idp.test", "xaa4j-idp", secrets),
                Map.of("notes", notes), cfg -> meta, secrets, idTokens,
                new IdJagExchange(clock, Duration.ofSeconds(2)), new JwtBearerGrant(clock, Duration.ofSeconds(2)), Runnable::run);
    }

    IdpSession session(String refreshToken, Instant idTokenExpiry) {
        return new IdpSession("https://idp.test", "xaa4j-idp", "alice",
                TestJwts.jwt("JWT", "alice", idTokenExpiry.minusSeconds(3600), idTokenExpiry), idTokenExpiry,
                Optional.ofNullable(refreshToken), clock.instant());
    }

    @Test
    void theFirstExchangeUsesTheRefreshTokenAsSubjectAndNeedsNoIdTokenRefresh() {
        sessions.save(session("rt-1", clock.instant().minusSeconds(1))); // the ID token has expired: no matter

        fetcher.fetch("notes", Set.of());

        assertThat(exchanges).hasSize(1);
        assertThat(exchanges.get(0)).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange")
                .containsEntry("subject_token", "rt-1").containsEntry("subject_token_type", RT_URN)
                .containsEntry("requested_token_type", ID_JAG_URN).containsEntry("audience", "https://as.test/")
                .containsEntry("resource", "https://mcp.test/notes/mcp").containsEntry("scope", "notes.read");
        assertThat(idTokenRefreshes).hasValue(0);
    }

    @Test
    void aRotatedRefreshTokenIsStoredAndUsedNext() {
        rtAnswers.add("rotate:rt-2");
        fetcher.fetch("notes", Set.of());
        assertThat(sessions.load().orElseThrow().refreshToken()).contains("rt-2");

        fetcher.fetch("notes", Set.of());
        assertThat(exchanges).extracting(f -> f.get("subject_token")).containsExactly("rt-1", "rt-2");
    }

    /** Two renewals at once (two servers' worth): the second waits for the lock and presents the rotated token. */
    @org.junit.jupiter.api.RepeatedTest(10)
    void concurrentRenewalsNeverPresentASpentRefreshToken() throws Exception {
        rtAnswers.add("rotate:rt-2");
        rtAnswers.add("rotate:rt-3");
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> fetcher.fetch("notes", Set.of()));
            var b = pool.submit(() -> fetcher.fetch("notes", Set.of()));
            a.get(20, java.util.concurrent.TimeUnit.SECONDS);
            b.get(20, java.util.concurrent.TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(exchanges).extracting(f -> f.get("subject_token")).containsExactly("rt-1", "rt-2");
        assertThat(sessions.load().orElseThrow().refreshToken()).contains("rt-3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"invalid_request", "unsupported_token_type"})
    void anIdpThatRefusesTheRefreshTokenSubjectGetsTheIdTokenNowAndFromThenOn(String code) {
        rtAnswers.add(code);
        String idToken = sessions.load().orElseThrow().idToken();

        fetcher.fetch("notes", Set.of());
        fetcher.fetch("notes", Set.of());

        assertThat(exchanges).extracting(f -> f.get("subject_token_type")).containsExactly(RT_URN, ID_TOKEN_URN, ID_TOKEN_URN);
        assertThat(exchanges.get(1)).containsEntry("subject_token", idToken);
        assertThat(sessions.load().orElseThrow().refreshToken()).contains("rt-1"); // the session is untouched
    }

    @Test
    void afterTheFallbackAnExpiredIdTokenIsRefreshedWithTheRefreshGrantAsBefore() {
        rtAnswers.add("invalid_request");
        fetcher.fetch("notes", Set.of());
        clock.advance(Duration.ofHours(2));

        fetcher.fetch("notes", Set.of());

        assertThat(idTokenRefreshes).hasValue(1);
        assertThat(exchanges).extracting(f -> f.get("subject_token_type")).containsExactly(RT_URN, ID_TOKEN_URN, ID_TOKEN_URN);
    }

    /**
     * {@code invalid_grant} to the refresh-token subject may be a dead refresh token or the IdP refusing this one
     * exchange: the exchange goes on with the ID token, the session stays (the ID token's own renewal decides whether
     * it ended), and the refresh token is tried again next time (nothing remembered).
     */
    @Test
    void invalidGrantOnTheRefreshTokenSubjectUsesTheIdTokenForThisExchangeAndKeepsTheSession() {
        rtAnswers.add("invalid_grant");
        String idToken = sessions.load().orElseThrow().idToken();

        fetcher.fetch("notes", Set.of());
        fetcher.fetch("notes", Set.of());

        assertThat(exchanges).extracting(f -> f.get("subject_token_type")).containsExactly(RT_URN, ID_TOKEN_URN, RT_URN);
        assertThat(exchanges.get(1)).containsEntry("subject_token", idToken);
        assertThat(sessions.load()).isPresent().get().extracting(s -> s.refreshToken().orElseThrow()).isEqualTo("rt-1");
    }

    @Test
    void aSessionWithoutRefreshTokenUsesTheIdToken() {
        sessions.save(session(null, clock.instant().plusSeconds(3600)));

        fetcher.fetch("notes", Set.of());

        assertThat(exchanges).extracting(f -> f.get("subject_token_type")).containsExactly(ID_TOKEN_URN);
    }
}
