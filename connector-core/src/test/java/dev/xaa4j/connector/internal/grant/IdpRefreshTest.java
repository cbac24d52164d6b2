package dev.xaa4j.connector.internal.grant;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import dev.xaa4j.testing.MutableClock;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.TestJwts;
import dev.xaa4j.connector.internal.store.IdpSession;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;

/** IdP refresh_token grant (docs/protocol.md §4): rotation persisted before use, dead refresh token → sign-in. */
class IdpRefreshTest {

    @StartStop
    final MockWebServer server = new MockWebServer();

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    final IdpRefresh refresh = new IdpRefresh(clock, Duration.ofSeconds(2));
    final ClientAuth auth = ClientAuthFactory.create(ClientAuthMethod.CLIENT_SECRET_POST, "https://idp.test", "xaa4j-test",
            ClientCredentialsSource.ofSecrets(Map.of("xaa4j-test", "pw")));
    final List<String> log = new ArrayList<>();

    IdpSession session(String refreshToken) {
        String idToken = TestJwts.jwt("JWT", "alice", clock.instant().minusSeconds(600), clock.instant().minusSeconds(1));
        return new IdpSession("https://idp.test", "xaa4j-test", "alice", idToken, clock.instant().minusSeconds(1),
                Optional.of(refreshToken), clock.instant().minusSeconds(3600));
    }

    IdpRefresh.IdTokenCheck check() {
        return idToken -> {
            try {
                return JWTParser.parse(idToken).getJWTClaimsSet();
            } catch (java.text.ParseException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    void answer(String refreshToken) {
        String idToken = TestJwts.jwt("JWT", "alice", clock.instant(), clock.instant().plusSeconds(600));
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"id_token\":\"" + idToken + "\""
                        + (refreshToken == null ? "" : ",\"refresh_token\":\"" + refreshToken + "\"") + "}").build());
    }

    @Test
    void rotatedRefreshTokenIsPersistedBeforeItIsReturnedAndUsedNextTime() throws Exception {
        answer("rt-2");
        answer("rt-3");
        List<IdpSession> saved = new ArrayList<>();

        IdpSession first = refresh.refresh(session("rt-1"), server.url("/token").uri(), auth, check(),
                s -> { saved.add(s); log.add("persist " + s.refreshToken().orElseThrow()); }, () -> log.add("delete"));
        log.add("returned");
        IdpSession second = refresh.refresh(first, server.url("/token").uri(), auth, check(), saved::add, () -> log.add("delete"));

        assertThat(log).containsExactly("persist rt-2", "returned");
        assertThat(saved).extracting(s -> s.refreshToken().orElseThrow()).containsExactly("rt-2", "rt-3");
        assertThat(GrantWireTest.form(server.takeRequest())).containsEntry("grant_type", "refresh_token")
                .containsEntry("refresh_token", "rt-1").containsEntry("client_id", "xaa4j-test");
        assertThat(GrantWireTest.form(server.takeRequest())).containsEntry("refresh_token", "rt-2");
        assertThat(second.idTokenExpiresAt()).isEqualTo(clock.instant().plusSeconds(600));
        assertThat(second.authTime()).isEqualTo(first.authTime()); // original login time is kept
        assertThat(second.toString()).doesNotContain("rt-3");
    }

    @Test
    void refreshWithoutRotationKeepsTheRefreshToken() throws Exception {
        answer(null);
        IdpSession next = refresh.refresh(session("rt-1"), server.url("/token").uri(), auth, check(), s -> { }, () -> { });
        assertThat(next.refreshToken()).contains("rt-1");
    }

    @Test
    void deadRefreshTokenDeletesTheSessionAndRequiresSignIn() {
        server.enqueue(new MockResponse.Builder().code(400).addHeader("Content-Type", "application/json")
                .body("{\"error\":\"invalid_grant\",\"error_description\":\"refresh token revoked\"}").build());
        AtomicBoolean deleted = new AtomicBoolean();
        assertThatThrownBy(() -> refresh.refresh(session("rt-1"), server.url("/token").uri(), auth, check(),
                s -> { }, () -> deleted.set(true)))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED).hasMessageContaining("sign in again");
        assertThat(deleted).isTrue();
    }

    @Test
    void outageKeepsTheSession() {
        server.enqueue(new MockResponse.Builder().code(500).body("oops").build());
        AtomicBoolean touched = new AtomicBoolean();
        assertThatThrownBy(() -> refresh.refresh(session("rt-1"), server.url("/token").uri(), auth, check(),
                s -> touched.set(true), () -> touched.set(true)))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE);
        assertThat(touched).isFalse();
    }

    @Test
    void anIdTokenForAnotherUserIsRejectedButTheRotatedRefreshTokenIsKept() {
        String other = TestJwts.jwt("JWT", "mallory", clock.instant(), clock.instant().plusSeconds(600));
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"id_token\":\"" + other
                        + "\",\"refresh_token\":\"rt-2\"}").build());
        List<IdpSession> saved = new ArrayList<>();
        assertThatThrownBy(() -> refresh.refresh(session("rt-1"), server.url("/token").uri(), auth, check(), saved::add, () -> { }))
                .hasMessageContaining("different user");
        assertThat(saved).singleElement().satisfies(s -> {
            assertThat(s.refreshToken()).contains("rt-2");
            assertThat(s.subject()).isEqualTo("alice");
        });
    }


    @Test
    @Timeout(60)
    void aRefreshWithoutAnIdTokenIsPersistedInTheKeyringAsNotRenewableAndStatusSaysSo(@TempDir Path tmp) throws Exception {
        String service = "xaa4j-test-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        SessionStore sessions = new SessionStore(new KeyringCredentialStore(service), tmp.resolve("locks"));
        String idToken = TestJwts.jwt("JWT", "alice", clock.instant().minusSeconds(60), clock.instant().plusSeconds(60));
        IdpSession current = new IdpSession("https://idp.test", "xaa4j-test", "alice", idToken, clock.instant().plusSeconds(60),
                Optional.of("rt-1"), clock.instant().minusSeconds(3600));
        sessions.save(current);
        try (Connector before = connectorOn(service, tmp)) {
            assertThat(before.status().canRefresh()).isTrue();
        }
        // OpenID Connect Core §12.2: the IdP may answer a refresh without a new ID token
        server.enqueue(new MockResponse.Builder().code(200).addHeader("Content-Type", "application/json")
                .body("{\"access_token\":\"a\",\"token_type\":\"Bearer\",\"refresh_token\":\"rt-2\"}").build());
        try {
            IdpSession next = refresh.refresh(current, server.url("/token").uri(), auth, check(), sessions::save,
                    () -> sessions.delete("https://idp.test", "xaa4j-test"));

            assertThat(next.canRenewIdToken()).isFalse();
            IdpSession stored = new SessionStore(new KeyringCredentialStore(service), tmp.resolve("locks"))
                    .load("https://idp.test", "xaa4j-test").orElseThrow();
            assertThat(stored.refreshToken()).contains("rt-2");
            assertThat(stored.idTokenRenewable()).as("persisted with the session").isFalse();
            try (Connector after = connectorOn(service, tmp)) {
                assertThat(after.status().canRefresh()).as("not renewable, though a refresh token is held").isFalse();
            }

            answer("rt-3"); // a later refresh with an ID token makes it renewable again
            assertThat(refresh.refresh(stored, server.url("/token").uri(), auth, check(), sessions::save, () -> { })
                    .canRenewIdToken()).isTrue();
            assertThat(sessions.load("https://idp.test", "xaa4j-test").orElseThrow().canRenewIdToken()).isTrue();
        } finally {
            sessions.delete("https://idp.test", "xaa4j-test");
        }
    }

    private Connector connectorOn(String service, Path tmp) {
        return ConnectorInternals.credentialStore(Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.test"), "xaa4j-test", ClientAuthMethod.CLIENT_SECRET_POST))
                .server(ServerConfig.of("notes", URI.create("https://mcp.test/notes/mcp"), "xaa4j-agent", ClientAuthMethod.NONE))
                .clock(clock)
                .clientCredentials(ClientCredentialsSource.ofSecrets(Map.of("xaa4j-test", "pw")))
                .stateDir(tmp.resolve("state")), new KeyringCredentialStore(service))
                .build();
    }
}
