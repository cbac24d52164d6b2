package dev.xaa4j.connector.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorException.Kind;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The token cache with the per-server flows: a server that needs a sign-in, a server that takes no token, a token handed in. */
@Timeout(10)
class TokenManagerFlowTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    final FakeFetcher fetcher = new FakeFetcher(clock, Duration.ofMinutes(5));
    final List<ConnectorEvent> events = new CopyOnWriteArrayList<>();
    final TokenManager tokens = new TokenManager(fetcher, clock, RenewalPolicy.defaults(), events::add,
            name -> name.equals("notes"));

    @AfterEach
    void close() {
        tokens.close();
    }

    @Test
    void aServerWithoutAGrantIsSignInRequiredWithoutARetryStormUntilItsTokenArrives() {
        fetcher.failures.add(() -> new ConnectorException(Kind.SERVER_SIGN_IN_REQUIRED, "notes",
                "Sign in to notes: xaa login notes", null, null));

        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> tokens.token("notes")).hasFieldOrPropertyWithValue("kind", Kind.SERVER_SIGN_IN_REQUIRED);
        }
        clock.advance(Duration.ofHours(2));
        assertThatThrownBy(() -> tokens.token("notes")).hasFieldOrPropertyWithValue("kind", Kind.SERVER_SIGN_IN_REQUIRED);
        assertThat(fetcher.calls).as("answered from memory").hasValue(1);
        assertThat(tokens.status("notes").state()).isEqualTo(ServerState.SIGN_IN_REQUIRED);
        assertThat(events).singleElement().isInstanceOfSatisfying(ConnectorEvent.SignInRequired.class,
                e -> assertThat(e.server()).contains("notes"));

        TokenFetcher.Fetched signedIn = new TokenFetcher.Fetched(new AccessToken("notes", "signed-in", "Bearer",
                clock.instant().plusSeconds(600), Set.of("mcp:basic")), new TokenKey("", "https://as", "https://r", ""));
        tokens.accept("notes", signedIn);

        assertThat(tokens.token("notes").value()).isEqualTo("signed-in");
        assertThat(fetcher.calls).as("served without a renewal").hasValue(1);
        assertThat(tokens.status("notes").state()).isEqualTo(ServerState.READY);
        assertThat(events).last().isInstanceOf(ConnectorEvent.TokenIssued.class);
    }

    @Test
    void aGrantStoredByAnotherProcessEndsAHeldServerSignInRequiredAtTheNextLookOnlyOncePerInterval() {
        java.util.concurrent.atomic.AtomicBoolean stored = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger looks = new java.util.concurrent.atomic.AtomicInteger();
        try (TokenManager other = new TokenManager(fetcher, clock, RenewalPolicy.defaults(), events::add,
                name -> name.equals("notes"), () -> 0L, name -> {
                    looks.incrementAndGet();
                    return stored.get();
                })) {
            fetcher.failures.add(() -> new ConnectorException(Kind.SERVER_SIGN_IN_REQUIRED, "notes",
                    "Sign in to notes: xaa login notes", null, null));
            assertThatThrownBy(() -> other.token("notes")).hasFieldOrPropertyWithValue("kind", Kind.SERVER_SIGN_IN_REQUIRED);
            for (int i = 0; i < 5; i++) { // the first look finds nothing; the next ones are not due yet
                assertThatThrownBy(() -> other.token("notes")).hasFieldOrPropertyWithValue("kind", Kind.SERVER_SIGN_IN_REQUIRED);
            }
            assertThat(looks).as("one store read per interval").hasValue(1);

            stored.set(true); // `xaa login notes` in another process stored a grant
            clock.advance(Duration.ofMillis(TokenManager.GRANT_RECHECK_MS - 1));
            assertThatThrownBy(() -> other.token("notes")).hasFieldOrPropertyWithValue("kind", Kind.SERVER_SIGN_IN_REQUIRED);
            assertThat(looks).hasValue(1);
            clock.advance(Duration.ofMillis(1));

            assertThat(other.token("notes").value()).isNotBlank();
            assertThat(fetcher.calls).as("one renewal after the grant appeared").hasValue(2);
            assertThat(other.status("notes").state()).isEqualTo(ServerState.READY);
        }
    }

    @Test
    void aGrantThatWasAlreadyStoredWhenSignInWasRequiredIsTriedOnceNotAgainAndAgain() {
        java.util.concurrent.atomic.AtomicInteger looks = new java.util.concurrent.atomic.AtomicInteger();
        try (TokenManager other = new TokenManager(fetcher, clock, RenewalPolicy.defaults(), events::add,
                name -> name.equals("notes"), () -> 0L, name -> looks.incrementAndGet() > 0)) {
            for (int i = 0; i < 3; i++) { // e.g. a step-up the stored grant cannot satisfy without a browser
                fetcher.failures.add(() -> new ConnectorException(Kind.SERVER_SIGN_IN_REQUIRED, "notes",
                        "Sign in to notes for scope admin: xaa login notes", null, null));
            }
            assertThatThrownBy(() -> other.token("notes")).hasFieldOrPropertyWithValue("kind", Kind.SERVER_SIGN_IN_REQUIRED);
            assertThatThrownBy(() -> other.token("notes")).hasFieldOrPropertyWithValue("kind", Kind.SERVER_SIGN_IN_REQUIRED);
            for (int i = 0; i < 4; i++) {
                clock.advance(Duration.ofMillis(TokenManager.GRANT_RECHECK_MS));
                assertThatThrownBy(() -> other.token("notes")).hasFieldOrPropertyWithValue("kind", Kind.SERVER_SIGN_IN_REQUIRED);
            }
            assertThat(fetcher.calls).as("the first failure, then one retry when the grant was first seen").hasValue(2);
            assertThat(looks).hasValue(5);
        }
    }

    @Test
    void aServerThatTakesNoTokenIsNotAFailure() {
        fetcher.failures.add(() -> new ConnectorException(Kind.NOT_PROTECTED, "notes", "takes no token", null, null));

        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> tokens.token("notes")).hasFieldOrPropertyWithValue("kind", Kind.NOT_PROTECTED);
        }
        assertThat(fetcher.calls).hasValue(1);
        assertThat(tokens.status("notes").state()).isEqualTo(ServerState.IDLE);
        assertThat(tokens.status("notes").lastError()).isEmpty();
        assertThat(tokens.stats().failures()).isZero();
        assertThat(events).isEmpty();
    }

    @RepeatedTest(20)
    void aTokenHandedInWinsOverARenewalInFlight() throws Exception {
        fetcher.gate = new java.util.concurrent.CountDownLatch(1);
        var pending = tokens.tokenAsync("notes");
        assertThat(fetcher.entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        tokens.accept("notes", new TokenFetcher.Fetched(new AccessToken("notes", "signed-in", "Bearer",
                clock.instant().plusSeconds(600), Set.of()), new TokenKey("", "as", "r", "")));
        fetcher.gate.countDown();
        pending.get(5, java.util.concurrent.TimeUnit.SECONDS);

        // the renewal that started before the sign-in fetched again (its first result was discarded); either way the
        // cache holds a token issued after the hand-in, never the pre-sign-in fetch result
        assertThat(tokens.token("notes").value()).isIn("signed-in", "token-2");
        assertThat(tokens.token("notes").value()).isNotEqualTo("token-1");
    }
}
