package dev.xaa4j.connector.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.testing.MutableClock;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.ServerState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The token cache's contract (docs/protocol.md §4–§5) with an injectable clock and a fake token source. */
class TokenManagerTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    final FakeFetcher fetcher = new FakeFetcher(clock, Duration.ofMinutes(5));
    final List<ConnectorEvent> events = new CopyOnWriteArrayList<>();
    final TokenManager tokens = new TokenManager(fetcher, clock, RenewalPolicy.defaults(), events::add,
            name -> name.equals("notes") || name.equals("tickets"));

    @AfterEach
    void close() {
        tokens.close();
    }

    @Test
    void cachedHitReturnsTheSameTokenWithoutFetching() {
        AccessToken first = tokens.token("notes");
        for (int i = 0; i < 1_000_000; i++) {
            assertThat(tokens.token("notes")).isSameAs(first);
        }
        assertThat(fetcher.calls).hasValue(1);
        assertThat(tokens.stats().blockedCalls()).isEqualTo(1); // only the cold start waited
        assertThat(events).singleElement().isInstanceOf(ConnectorEvent.TokenIssued.class);
    }

    @Test
    void concurrentCallersShareOneRenewal() throws Exception {
        fetcher.gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<AccessToken>> results = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> tokens.token("notes")));
            }
            assertThat(fetcher.entered.await(5, TimeUnit.SECONDS)).isTrue();
            await("every caller waits on the one renewal").atMost(Duration.ofSeconds(5))
                    .until(() -> tokens.stats().blockedCalls() == 32);
            fetcher.gate.countDown();
            for (Future<AccessToken> f : results) {
                assertThat(f.get(5, TimeUnit.SECONDS).value()).isEqualTo("token-1");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(fetcher.calls).hasValue(1);
    }

    @Test
    void renewsBeforeExpiryWithoutBlockingCallers() throws Exception {
        AccessToken first = tokens.token("notes");
        fetcher.gate = new CountDownLatch(1);
        fetcher.entered = new CountDownLatch(1);
        clock.advance(Duration.ofMinutes(4).plusSeconds(1)); // past expiry − 60 s − jitter (≤ 6 s)

        assertThat(tokens.token("notes")).isSameAs(first); // triggers the renewal, does not wait for it
        assertThat(fetcher.entered.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 1000; i++) {
            assertThat(tokens.token("notes")).isSameAs(first); // renewal in flight, held on the gate
        }
        // none of those calls waited: a call that waits would hang on the held gate (and blockedCalls says 1 below)
        fetcher.gate.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> tokens.token("notes").value().equals("token-2"));
        assertThat(fetcher.calls).hasValue(2);
        assertThat(tokens.stats().blockedCalls()).isEqualTo(1);
    }

    @Test
    void lifetimeAwareMarginRenewsAFiveSecondTokenAboutOneSecondEarly() {
        RenewalPolicy p = RenewalPolicy.defaults();
        assertThat(p.marginMillis(5_000)).isEqualTo(1_000);
        assertThat(p.marginMillis(300_000)).isEqualTo(60_000);
        assertThat(p.marginMillis(3_600_000)).isEqualTo(720_000);
        assertThat(p.marginMillis(100_000)).isEqualTo(20_000);
        assertThat(p.minRemainingMillis(5_000)).isEqualTo(100);
        assertThat(p.minRemainingMillis(3_600_000)).isEqualTo(5_000);
    }

    @Test
    void transientFailureKeepsTheValidTokenAndFailsOnlyWhenNothingIsLeft() throws Exception {
        AccessToken first = tokens.token("notes");
        ConnectorEvent.RenewalFailed failed = failBackgroundRenewal(first, 50,
                () -> new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "The IdP is unavailable (HTTP 503)"),
                ConnectorEvent.RenewalFailed.class);
        assertThat(failed.tokenStillValid()).isTrue();
        for (int i = 0; i < 1000; i++) {
            assertThat(tokens.token("notes")).isSameAs(first); // backing off: no retry storm
        }
        int attempts = fetcher.calls.get();
        assertThat(attempts).isLessThanOrEqualTo(3);
        assertThat(tokens.status("notes").state()).isEqualTo(ServerState.DEGRADED);

        clock.advance(Duration.ofMinutes(1)); // past expiry
        assertThatThrownBy(() -> tokens.token("notes")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE);
        fetcher.failures.clear();
        clock.advance(Duration.ofSeconds(2)); // after the short hold, the next caller tries again
        assertThat(tokens.token("notes").value()).startsWith("token-");
    }

    @Test
    void revocationDropsTheTokenEmitsAnEventAndDoesNotStorm() throws Exception {
        failBackgroundRenewal(tokens.token("notes"), 1, () -> new ConnectorException(ConnectorException.Kind.ACCESS_DENIED,
                "notes", "Your IdP refused access to the MCP server 'notes'", null, null), ConnectorEvent.AccessRevoked.class);

        for (int i = 0; i < 100; i++) {
            assertThatThrownBy(() -> tokens.token("notes")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.ACCESS_DENIED)
                    .hasMessageContaining("refused access");
        }
        assertThat(fetcher.calls).hasValue(2);
        assertThat(tokens.status("notes").state()).isEqualTo(ServerState.DENIED);
        clock.advance(Duration.ofSeconds(61)); // deniedRetryAfter: one new attempt
        assertThat(tokens.token("notes").value()).isEqualTo("token-3");
    }

    @Test
    void backgroundRenewalReportsSignInRequiredInsteadOfOpeningABrowser() {
        AccessToken first = tokens.token("notes");
        failBackgroundRenewal(first, 10,
                () -> new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "Your IdP session has ended; sign in again"),
                ConnectorEvent.SignInRequired.class);
        assertThat(tokens.token("notes")).isSameAs(first); // still valid: keep serving it
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> tokens.token("notes")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.SIGN_IN_REQUIRED);
        assertThat(fetcher.calls).hasValue(2); // no retries until a sign-in
        assertThat(tokens.status("notes").state()).isEqualTo(ServerState.SIGN_IN_REQUIRED);

        fetcher.failures.clear();
        tokens.clearFailures(); // what Connector.signIn() does
        assertThat(tokens.token("notes").value()).isEqualTo("token-3");
    }

    @Test
    void fiveSecondTokensAreRenewedInTheBackgroundAndNeverHandedOutExpired() throws Exception {
        fetcher.lifetime = Duration.ofSeconds(5);
        tokens.token("notes");
        for (int step = 0; step < 200; step++) { // 20 s of fake time in 100 ms steps
            clock.advance(Duration.ofMillis(100));
            AccessToken t = tokens.token("notes");
            assertThat(t.expiresAt()).isAfter(clock.instant());
            await("a background renewal started by this step has landed").atMost(Duration.ofSeconds(5)).until(() ->
                    tokens.peek("notes").map(AccessToken::value).orElseThrow().equals("token-" + fetcher.calls.get()));
        }
        assertThat(fetcher.calls.get()).isBetween(4, 7); // ≈ 20 s / ~3.9 s
    }

    @Test
    void unauthorizedDropsOnlyTheRejectedToken() {
        AccessToken first = tokens.token("notes");
        assertThat(tokens.invalidate("notes", "some-other-token")).isFalse();
        assertThat(tokens.invalidate("notes", first.value())).isTrue();
        assertThat(tokens.token("notes").value()).isEqualTo("token-2");
    }

    @Test
    void stepUpAsksForTheUnionOfScopesAndIsBounded() {
        tokens.token("notes");
        assertThat(tokens.stepUp("notes", List.of("notes.write"))).isTrue();
        assertThat(tokens.token("notes").scopes()).containsExactly("notes.write");
        assertThat(fetcher.lastExtraScopes).containsExactly("notes.write");
        assertThat(tokens.stepUp("notes", List.of("notes.write"))).isFalse(); // nothing new
        assertThat(tokens.stepUp("notes", List.of("notes.admin"))).isTrue();
        assertThat(tokens.token("notes").scopes()).containsExactlyInAnyOrder("notes.write", "notes.admin");
        assertThat(tokens.stepUp("notes", List.of("notes.root"))).isFalse(); // bounded
    }

    @Test
    void stepUpKeepsTheScopesTheCurrentTokenWasGranted() {
        fetcher.defaultScopes = Set.of("notes.read");
        assertThat(tokens.token("notes").scopes()).containsExactly("notes.read");
        assertThat(tokens.stepUp("notes", List.of("notes.write"))).isTrue();
        tokens.token("notes");
        assertThat(fetcher.lastExtraScopes).as("a denied write must not cost the granted read")
                .containsExactlyInAnyOrder("notes.read", "notes.write");
    }

    @Test
    void unknownServerIsAConfigurationError() {
        assertThatThrownBy(() -> tokens.token("nope")).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION)
                .hasMessageContaining("No MCP server named 'nope'");
    }

    @Test
    void asyncFormCompletesWithoutBlockingTheCaller() throws Exception {
        fetcher.gate = new CountDownLatch(1);
        var future = tokens.tokenAsync("notes");
        assertThat(future).isNotDone();
        fetcher.gate.countDown();
        assertThat(future.get(5, TimeUnit.SECONDS).value()).isEqualTo("token-1");
        assertThat(tokens.tokenAsync("notes")).isCompletedWithValueMatching(t -> t.value().equals("token-1"));
        assertThat(Set.of(tokens.status("notes").state())).containsExactly(ServerState.READY);
    }

    @Test
    @Timeout(20)
    void aRenewalStartedBeforeAStepUpDoesNotOverwriteTheWiderScopeToken() throws Exception {
        tokens.token("notes");
        fetcher.turnstile = new Semaphore(0);
        clock.advance(Duration.ofMinutes(4).plusSeconds(10)); // past the renewal point
        tokens.token("notes"); // starts the background renewal for the configured scopes
        assertThat(fetcher.arrivals.tryAcquire(5, TimeUnit.SECONDS)).isTrue(); // held inside the fetch

        assertThat(tokens.stepUp("notes", List.of("notes.write"))).isTrue(); // a 403 lands meanwhile
        fetcher.turnstile.release();
        assertThat(fetcher.arrivals.tryAcquire(5, TimeUnit.SECONDS)).isTrue(); // fetching again for notes.write
        assertThat(fetcher.lastExtraScopes).containsExactly("notes.write");

        assertThat(tokens.stepUp("notes", List.of("notes.admin"))).isTrue(); // another 403 during that fetch
        fetcher.turnstile.release(2);

        assertThat(tokens.token("notes").scopes()).as("a result fetched for older scopes must not be installed")
                .containsExactlyInAnyOrder("notes.write", "notes.admin");
        assertThat(tokens.status("notes").scopes()).containsExactlyInAnyOrder("notes.write", "notes.admin");
    }

    @Test
    @Timeout(20)
    void aRenewalStartedBeforeAnInvalidationIsFetchedAgain() throws Exception {
        AccessToken first = tokens.token("notes");
        fetcher.turnstile = new Semaphore(0);
        clock.advance(Duration.ofMinutes(4).plusSeconds(10));
        tokens.token("notes"); // background renewal, possibly against discovery the 401 now invalidates
        assertThat(fetcher.arrivals.tryAcquire(5, TimeUnit.SECONDS)).isTrue();

        assertThat(tokens.invalidate("notes", first.value())).isTrue(); // 401 for the current token
        fetcher.turnstile.release(2);

        assertThat(tokens.token("notes").value()).as("a token fetched after the invalidation").isEqualTo("token-3");
        assertThat(fetcher.calls).hasValue(3);
    }

    @Test
    @Timeout(20)
    void aRenewalInFlightAtSignOutInstallsNothingAndFailsItsCallers() throws Exception {
        fetcher.turnstile = new Semaphore(0);
        CompletableFuture<AccessToken> waiting = tokens.tokenAsync("notes");
        assertThat(fetcher.arrivals.tryAcquire(5, TimeUnit.SECONDS)).isTrue();

        tokens.clear(); // sign-out
        fetcher.turnstile.release();

        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(ConnectorException.class)
                .satisfies(e -> assertThat(((ConnectorException) e.getCause()).kind()).isEqualTo(ConnectorException.Kind.SIGN_IN_REQUIRED));
        assertThat(tokens.peek("notes")).isEmpty();
        assertThat(events).noneMatch(e -> e instanceof ConnectorEvent.TokenIssued);
    }

    @Test
    @Timeout(20)
    void aStepUpTheIdpRefusesFailsThatCallAndKeepsTheGrantedScopesObtainable() {
        fetcher.defaultScopes = Set.of("notes.read");
        tokens.token("notes");
        assertThat(tokens.stepUp("notes", List.of("notes.write"))).isTrue();
        fetcher.failures.add(() -> new ScopeDeniedException("notes", Set.of("notes.write"),
                "Your IdP's policy does not grant scope 'notes.write' for 'notes' (invalid_scope: policy denies it)"));

        assertThatThrownBy(() -> tokens.token("notes")).isInstanceOfSatisfying(ScopeDeniedException.class,
                        e -> assertThat(e.scopes()).containsExactly("notes.write"))
                .hasMessageContaining("does not grant scope 'notes.write'");

        AccessToken after = tokens.token("notes"); // e.g. a read tool: not held against it
        assertThat(after.scopes()).containsExactly("notes.read");
        assertThat(fetcher.lastExtraScopes).containsExactly("notes.read");
        assertThat(tokens.status("notes").state()).isEqualTo(ServerState.READY);
        assertThat(events).noneMatch(e -> e instanceof ConnectorEvent.AccessRevoked);
    }

    @Test
    @Timeout(20)
    void aRenewalThatFailsForTheSessionBeforeASignInDoesNotOutliveTheSignIn() throws Exception {
        fetcher.turnstile = new Semaphore(0);
        fetcher.failures.add(() -> new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "Your IdP session has ended; sign in again"));
        CompletableFuture<AccessToken> waiting = tokens.tokenAsync("notes");
        assertThat(fetcher.arrivals.tryAcquire(5, TimeUnit.SECONDS)).isTrue(); // fetching with the old session

        tokens.clearFailures(); // the user signs in meanwhile
        fetcher.turnstile.release(2);

        assertThat(waiting.get(5, TimeUnit.SECONDS).value()).as("fetched again for the new session").isEqualTo("token-2");
        assertThat(tokens.token("notes").value()).isEqualTo("token-2");
        assertThat(tokens.status("notes").state()).isEqualTo(ServerState.READY);
        assertThat(events).noneMatch(e -> e instanceof ConnectorEvent.SignInRequired);
    }

    /**
     * Queues {@code times} fetch failures, moves past the renewal point of {@code first} (still valid, so still
     * served: the call starts the background renewal), and awaits the {@code event} the failed renewal emits.
     */
    private <E extends ConnectorEvent> E failBackgroundRenewal(AccessToken first, int times,
                                                               java.util.function.Supplier<RuntimeException> failure,
                                                               Class<E> event) {
        for (int i = 0; i < times; i++) {
            fetcher.failures.add(failure);
        }
        clock.advance(Duration.ofMinutes(4).plusSeconds(10));
        assertThat(tokens.token("notes")).isSameAs(first);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(event::isInstance));
        return events.stream().filter(event::isInstance).map(event::cast).findFirst().orElseThrow();
    }
}
