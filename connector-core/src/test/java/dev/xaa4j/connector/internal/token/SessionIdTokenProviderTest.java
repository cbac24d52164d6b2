package dev.xaa4j.connector.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.TestJwts;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** ID tokens from the stored session: refresh under the lock with a re-read (docs/protocol.md §4). */
class SessionIdTokenProviderTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    final FakeSessions store = new FakeSessions(new ReentrantLock());
    final AtomicInteger refreshes = new AtomicInteger();
    final List<String> spentRefreshTokens = new ArrayList<>();

    IdpSession session(int generation, Duration idTokenLeft) {
        Instant exp = clock.instant().plus(idTokenLeft);
        return new IdpSession("https://idp.test", "xaa4j-test", "alice",
                TestJwts.jwt("JWT", "alice", exp.minusSeconds(600), exp), exp, Optional.of("rt-" + generation),
                clock.instant().minusSeconds(3600));
    }

    /** A rotating IdP: each refresh token works once; reusing one revokes the family. */
    UnaryOperator<IdpSession> rotatingIdp() {
        return current -> {
            synchronized (spentRefreshTokens) {
                String rt = current.refreshToken().orElseThrow();
                if (spentRefreshTokens.contains(rt)) {
                    throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "refresh token reused: family revoked");
                }
                spentRefreshTokens.add(rt);
            }
            refreshes.incrementAndGet();
            int generation = Integer.parseInt(current.refreshToken().orElseThrow().substring(3)) + 1;
            IdpSession next = session(generation, Duration.ofMinutes(10));
            store.save(next); // persisted before returning, as IdpRefresh does
            return next;
        };
    }

    /** A provider over the shared store and a rotating IdP, refreshing 60 s before the ID token expires. */
    private SessionIdTokenProvider provider() {
        return new SessionIdTokenProvider(store, rotatingIdp(), clock, Duration.ofSeconds(60));
    }

    /** {@link #provider()} once the store holds a session (refresh token {@code rt-1}) whose ID token expires in {@code ttl}. */
    private SessionIdTokenProvider providerOverASessionWhoseIdTokenExpiresIn(Duration ttl) {
        store.save(session(1, ttl));
        return provider();
    }

    @Test
    void usesTheStoredIdTokenWhileItIsFresh() {
        SessionIdTokenProvider p = providerOverASessionWhoseIdTokenExpiresIn(Duration.ofMinutes(5));
        assertThat(p.idToken()).isEqualTo(store.stored.get().idToken());
        assertThat(refreshes).hasValue(0);
    }

    @Test
    void refreshesANearlyExpiredIdToken() {
        SessionIdTokenProvider p = providerOverASessionWhoseIdTokenExpiresIn(Duration.ofSeconds(30));
        String token = p.idToken();
        assertThat(refreshes).hasValue(1);
        assertThat(store.stored.get().refreshToken()).contains("rt-2");
        assertThat(token).isEqualTo(store.stored.get().idToken());
    }

    @Test
    void manyProcessesRefreshingAtOnceSpendTheRefreshTokenOnce() throws Exception {
        store.save(session(1, Duration.ofSeconds(90)));
        int processes = 8;
        List<SessionIdTokenProvider> providers = new ArrayList<>();
        for (int i = 0; i < processes; i++) {
            SessionIdTokenProvider p = provider();
            p.idToken(); // each "process" caches the soon-stale session in memory
            providers.add(p);
        }
        assertThat(refreshes).hasValue(0);
        clock.advance(Duration.ofSeconds(60)); // every cached copy is now too close to expiry
        ExecutorService pool = Executors.newFixedThreadPool(processes);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (SessionIdTokenProvider p : providers) {
                results.add(pool.submit(() -> {
                    start.await();
                    return p.idToken();
                }));
            }
            start.countDown();
            for (Future<String> f : results) {
                assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo(store.stored.get().idToken());
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(spentRefreshTokens).containsExactly("rt-1");
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void aRejectedIdTokenIsRefreshedEvenIfItLooksValid() {
        SessionIdTokenProvider p = providerOverASessionWhoseIdTokenExpiresIn(Duration.ofMinutes(5));
        String old = p.idToken();
        String renewed = p.renewAfterRejection(old);
        assertThat(renewed).isNotEqualTo(old);
        assertThat(refreshes).hasValue(1);
    }

    @Test
    void noSessionMeansSignInRequired() {
        SessionIdTokenProvider p = provider();
        assertThatThrownBy(p::idToken).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED).hasMessageContaining("sign in");
    }
}
