package dev.xaa4j.connector.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.testing.MutableClock;
import dev.xaa4j.connector.TestJwts;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session lock file that cannot be used (here a directory stands where it goes) is a local storage problem, not
 * the IdP's: the error's kind says so and the message says what to check.
 */
@Timeout(10)
class SessionLockFailureTest {

    static final String ISSUER = "https://idp.test";
    static final String CLIENT = "xaa4j-test";

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));

    @TempDir
    Path state;

    SessionStore unlockableStore() throws Exception {
        SessionStore store = new SessionStore(new MemoryCredentialStore(), state.resolve("locks"));
        Files.createDirectories(store.lockFile(ISSUER, CLIENT)); // a directory where the lock file goes
        Instant exp = clock.instant().plusSeconds(10); // within the refresh margin
        store.save(new IdpSession(ISSUER, CLIENT, "alice", TestJwts.jwt("JWT", "alice", exp.minusSeconds(600), exp), exp,
                Optional.of("rt-1"), clock.instant().minusSeconds(3600)));
        return store;
    }

    @Test
    void aSignOutThatCannotTakeTheLockIsACredentialStoreError() throws Exception {
        SessionAccess session = SessionAccess.of(unlockableStore(), ISSUER, CLIENT);

        assertThatThrownBy(() -> session.end(generation -> { }))
                .isInstanceOfSatisfying(ConnectorException.class,
                        e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CREDENTIAL_STORE))
                .hasMessageContaining("state directory is writable");
        assertThat(session.load()).as("nothing was deleted").isPresent();
    }

    @Test
    void anIdTokenRefreshThatCannotTakeTheLockIsACredentialStoreError() throws Exception {
        SessionAccess session = SessionAccess.of(unlockableStore(), ISSUER, CLIENT);
        SessionIdTokenProvider ids = new SessionIdTokenProvider(session, current -> {
            throw new AssertionError("the IdP must not be asked without the lock");
        }, clock, Duration.ofSeconds(60));

        assertThatThrownBy(ids::idToken)
                .isInstanceOfSatisfying(ConnectorException.class,
                        e -> assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CREDENTIAL_STORE))
                .hasMessageContaining("state directory is writable");
    }
}
