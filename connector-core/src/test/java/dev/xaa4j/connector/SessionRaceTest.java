package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.store.SessionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8 item 2: races between sign-in / sign-out and an IdP refresh in flight, each forced deterministically
 * by a credential store that holds the refresh's write (or delete) until the test releases it, against the
 * sample issuer over real HTTP.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SessionRaceTest extends SampleIssuerConnectors {

    /** A store whose next matching operation on the session key blocks until {@link #release()}. */
    static final class GatedStore implements CredentialStore {
        final MemoryCredentialStore inner = new MemoryCredentialStore();
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final AtomicReference<BiPredicate<String, String>> gate = new AtomicReference<>();

        void arm(BiPredicate<String, String> opAndKey) {
            gate.set(opAndKey);
        }

        void release() {
            released.countDown();
        }

        private void pass(String op, String key) {
            BiPredicate<String, String> g = gate.get();
            if (g != null && g.test(op, key) && gate.compareAndSet(g, null)) {
                reached.countDown();
                try {
                    released.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public Optional<String> read(String key) {
            return inner.read(key);
        }

        @Override
        public void write(String key, String value) {
            pass("write", key);
            inner.write(key, value);
        }

        @Override
        public void delete(String key) {
            pass("delete", key);
            inner.delete(key);
        }
    }

    private Connector.Builder connector(CredentialStore store, String user) throws Exception {
        Connector.Builder b = issuerConnector(store);
        return SampleIssuerFixture.withTestBrowser(b, tmp, user);
    }

    private static String sessionKey() {
        return SessionStore.key(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT);
    }

    /** Makes the stored ID token look expired, so the next token() refreshes at the IdP. */
    private void expireIdToken(SessionStore store) {
        IdpSession s = store.load(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT).orElseThrow();
        store.save(new IdpSession(s.issuer(), s.clientId(), s.subject(), s.idToken(), Instant.now().minusSeconds(60),
                s.refreshToken(), s.authTime()));
    }

    /** Done, or parked on a lock (the session lock) waiting for the gated refresh to let go. */
    private static boolean doneOrWaitingForALock(CompletableFuture<?> f, AtomicReference<Thread> runner) {
        Thread t = runner.get();
        Object blocker = t == null ? null : LockSupport.getBlocker(t);
        return f.isDone() || (blocker != null && blocker.getClass().getName().contains("ReentrantLock"));
    }

    @Test
    void signOutDuringARefreshInFlightLeavesTheUserSignedOut() throws Exception {
        GatedStore store = new GatedStore();
        // the ID-token refresh is what is raced here: an IdP taking the refresh token as subject_token needs none
        issuer.idpFeatures().refreshTokenSubject(false);
        try (Connector c = connector(store, "alice").build()) {
            c.signIn().get(90, TimeUnit.SECONDS);
            expireIdToken(sessions(store));

            store.arm((op, key) -> op.equals("write") && key.equals(sessionKey())); // the refresh persisting its result
            CompletableFuture<AccessToken> inFlight = c.tokenAsync("notes");
            assertThat(store.reached.await(30, TimeUnit.SECONDS)).as("the refresh reached the store").isTrue();

            AtomicReference<Thread> runner = new AtomicReference<>();
            CompletableFuture<Void> signOut = CompletableFuture.runAsync(() -> {
                runner.set(Thread.currentThread());
                c.signOut();
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> doneOrWaitingForALock(signOut, runner));
            store.release();
            signOut.get(30, TimeUnit.SECONDS);

            Object first = outcome(inFlight); // the refresh has finished with the store once this completes
            assertThat(sessions(store).load(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT))
                    .as("the refreshed session must not be stored again after sign-out").isEmpty();
            assertThat(c.status().signedIn()).isFalse();
            assertThat(first).as("a token computed under the ended session is dropped")
                    .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);
            assertThat(outcome(c.tokenAsync("notes"))).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);
        } finally {
            issuer.idpFeatures().refreshTokenSubject(true);
        }
    }

    @Test
    void signInDuringARefreshWithADeadRefreshTokenKeepsTheNewSession() throws Exception {
        GatedStore store = new GatedStore();
        SessionStore sessions = sessions(store);
        // an old session whose refresh token the IdP no longer knows: the refresh will end it (invalid_grant)
        sessions.save(new IdpSession(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT, "alice", "not-a-jwt",
                Instant.now().minusSeconds(60), Optional.of("a-refresh-token-the-idp-forgot"), Instant.now().minusSeconds(3600)));
        try (Connector c = connector(store, "alice").build()) {
            store.arm((op, key) -> op.equals("delete") && key.equals(sessionKey())); // the refresh ending the dead session
            CompletableFuture<AccessToken> inFlight = c.tokenAsync("notes");
            assertThat(store.reached.await(30, TimeUnit.SECONDS)).as("the refresh reached the store").isTrue();

            CompletableFuture<ConnectorStatus> signIn = c.signIn();
            // the browser finishes on the sign-in's own thread; wait until its result is stored or waits for the lock
            await().atMost(Duration.ofSeconds(90)).until(() -> signIn.isDone()
                    || sessions.load(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT)
                            .filter(s -> !s.idToken().equals("not-a-jwt")).isPresent()
                    || lockWaiters());
            store.release();
            assertThat(signIn.get(90, TimeUnit.SECONDS).user()).contains("alice");

            // the old session's refresh has finished with the store once this completes; it may report the old
            // session's end (it ended before the sign-in took the lock) or, re-run under the new one, a token
            outcome(inFlight);
            assertThat(sessions.load(issuer.idpIssuer().toString(), SampleIssuerFixture.IDP_CLIENT))
                    .as("the new sign-in must survive the old session's end").isPresent();
            assertThat(c.status().signedIn()).isTrue();
            assertThat(c.token("notes").value()).as("the old session's \"sign in again\" is not remembered")
                    .isNotBlank();
        }
    }

    /** Some thread of this JVM is parked on a ReentrantLock (the session lock held by the gated refresh). */
    private static boolean lockWaiters() {
        return Thread.getAllStackTraces().keySet().stream().map(LockSupport::getBlocker)
                .anyMatch(b -> b != null && b.getClass().getName().contains("ReentrantLock"));
    }

    private static Object outcome(CompletableFuture<AccessToken> f) throws Exception {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
