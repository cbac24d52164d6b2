package dev.xaa4j.connector.internal.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The token cache's rule for results that race a change (Caffeine's: a renewal's result is installed, and handed to
 * callers, only if the entry did not change meanwhile). The listener of {@link ConnectorEvent.TokenIssued} runs
 * on the renewal thread after the install and before the renewal's callers resume: a change made there is the
 * latest a race can land.
 */
@Timeout(20)
class TokenRaceTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    final FakeFetcher fetcher = new FakeFetcher(clock, Duration.ofMinutes(5));
    final AtomicReference<Consumer<ConnectorEvent>> onIssued = new AtomicReference<>(e -> { });
    final TokenManager tokens = new TokenManager(fetcher, clock, RenewalPolicy.defaults(),
            e -> {
                if (e instanceof ConnectorEvent.TokenIssued) {
                    onIssued.get().accept(e);
                }
            },
            "notes"::equals);

    @AfterEach
    void close() {
        tokens.close();
    }

    /**
     * On the first {@link ConnectorEvent.TokenIssued}: runs {@code change}, then asks for a token as the caller
     * that comes right after it (the replay of a 401 or 403). Returns where that caller's future lands.
     */
    AtomicReference<CompletableFuture<AccessToken>> afterTheFirstIssue(Runnable change) {
        AtomicReference<CompletableFuture<AccessToken>> later = new AtomicReference<>();
        AtomicBoolean once = new AtomicBoolean();
        onIssued.set(e -> {
            if (once.compareAndSet(false, true)) {
                change.run();
                later.set(tokens.tokenAsync("notes"));
            }
        });
        return later;
    }

    @Test
    void aTokenForTheOldScopesIsNotHandedToACallerWhoCameAfterTheStepUp() throws Exception {
        var later = afterTheFirstIssue(() -> tokens.stepUp("notes", List.of("notes.write"))); // a 403 lands now

        tokens.token("notes");

        assertThat(later.get().get(5, TimeUnit.SECONDS).scopes()).as("the replay after the step-up")
                .containsExactly("notes.write");
        assertThat(tokens.token("notes").scopes()).containsExactly("notes.write");
        assertThat(fetcher.calls).hasValue(2);
    }

    @Test
    void aTokenTheServerRejectedIsNotHandedToACallerWhoCameAfterTheInvalidation() throws Exception {
        var later = afterTheFirstIssue( // a 401 for the token just issued lands now
                () -> tokens.invalidate("notes", tokens.peek("notes").orElseThrow().value()));

        AccessToken first = tokens.token("notes");

        assertThat(later.get().get(5, TimeUnit.SECONDS).value()).as("the replay after the 401")
                .isNotEqualTo(first.value()).isEqualTo("token-2");
    }

    @Test
    void aCallerAfterASignOutNeverGetsTheTokenOfTheRenewalBeforeIt() throws Exception {
        var later = afterTheFirstIssue(tokens::clear); // a sign-out; the next caller gets a renewal of its own

        tokens.token("notes");

        assertThat(later.get().get(5, TimeUnit.SECONDS).value()).isEqualTo("token-2");
        assertThat(tokens.peek("notes")).hasValueSatisfying(t -> assertThat(t.value()).isEqualTo("token-2"));
    }

    @Test
    void aFailureKeepsItsKindAndOAuthErrorForEveryCaller() {
        fetcher.failures.add(() -> new ConnectorException(ConnectorException.Kind.SUBJECT_TOKEN_REJECTED,
                "Your IdP rejected the ID token in the token exchange; sign in again", "invalid_grant", null));

        for (int call = 0; call < 2; call++) { // the renewal's caller, then one answered from memory
            assertThatThrownBy(() -> tokens.token("notes")).isInstanceOfSatisfying(ConnectorException.class, e -> {
                assertThat(e.kind()).isEqualTo(ConnectorException.Kind.SUBJECT_TOKEN_REJECTED);
                assertThat(e.oauthError()).contains("invalid_grant");
            });
        }
        assertThat(fetcher.calls).hasValue(1);
    }
}
