package dev.xaa4j.connector.internal.token;

import com.nimbusds.jwt.JWTParser;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.grant.IdJag;
import dev.xaa4j.connector.internal.grant.IdJagExchange;
import dev.xaa4j.connector.internal.store.IdpSession;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * ID tokens from the persisted IdP session (docs/protocol.md §4 renewal chain steps 1 and 3): the stored ID token
 * while it is valid for at least the margin, else an IdP refresh.
 *
 * <p>Concurrency contract: refreshes are serialised per machine by {@link SessionAccess#withLock} (file lock
 * + in-process lock), and the session is re-read inside the lock: if another thread or process refreshed
 * meanwhile, its ID token is used and the refresh token is not spent again. This is what keeps rotating
 * refresh tokens from triggering family revocation when several processes share one session. Sign-in and
 * sign-out change the session under the same lock and advance the {@link SessionEpoch}; the in-memory copy of
 * the session is tagged with the epoch it was read under and never used after a change. The margin
 * is lifetime-aware: {@code min(60 s, 25 % of the ID token's lifetime)}, at least 2 s.
 */
public final class SessionIdTokenProvider implements IdTokenProvider {

    private final SessionAccess sessions;
    private final UnaryOperator<IdpSession> refresher;
    private final Clock clock;
    private final Duration margin;
    private final LongSupplier epoch;
    private volatile Cached cached;

    /** A session read under one {@link SessionEpoch epoch}; used only while the epoch is unchanged. */
    private record Cached(long epoch, IdpSession session) {
    }

    /**
     * @param refresher runs the IdP refresh for the given (freshly re-read) session and returns the new session,
     *                  already persisted (see {@link dev.xaa4j.connector.internal.grant.IdpRefresh})
     */
    public SessionIdTokenProvider(SessionAccess sessions, UnaryOperator<IdpSession> refresher, Clock clock,
                                  Duration margin) {
        this(sessions, refresher, clock, margin, () -> 0L);
    }

    /**
     * @param epoch the session epoch ({@link SessionEpoch#current()}): read before the session is loaded, and a
     *              cached session read under an older epoch is never used (a sign-out or sign-in meanwhile)
     */
    public SessionIdTokenProvider(SessionAccess sessions, UnaryOperator<IdpSession> refresher, Clock clock,
                                  Duration margin, LongSupplier epoch) {
        this.epoch = epoch;
        this.sessions = sessions;
        this.refresher = refresher;
        this.clock = clock;
        this.margin = margin;
    }

    @Override
    public String idToken() {
        IdpSession s = current();
        if (fresh(s)) {
            return s.idToken();
        }
        return refreshUnderLock(null);
    }

    private IdpSession current() {
        long e = epoch.getAsLong();
        Cached c = cached;
        if (c != null && c.epoch() == e) {
            return c.session();
        }
        IdpSession s = sessions.load().orElseThrow(SessionIdTokenProvider::notSignedIn);
        cached = new Cached(e, s);
        return s;
    }

    @Override
    public boolean hasRefreshToken() {
        return current().refreshToken().isPresent();
    }

    /**
     * Under the session lock, with the session re-read (another process may have rotated the refresh token
     * meanwhile): a rotated refresh token is saved before the lock is released, so the spent one is never
     * presented again. A refusal never deletes the session here: the ID-token path decides (its refresh grant fails
     * with {@code invalid_grant} when the refresh token is dead).
     */
    @Override
    public Optional<IdJag> withRefreshToken(Function<String, IdJagExchange.ViaRefreshToken> exchange) {
        return underLock(() -> {
            long e = epoch.getAsLong();
            IdpSession current = sessions.load().orElseThrow(SessionIdTokenProvider::notSignedIn);
            if (current.refreshToken().isEmpty()) {
                cached = new Cached(e, current);
                return Optional.empty();
            }
            IdJagExchange.ViaRefreshToken result = exchange.apply(current.refreshToken().get());
            IdpSession next = current;
            if (result.rotatedRefreshToken().isPresent() && !result.rotatedRefreshToken().equals(current.refreshToken())) {
                next = new IdpSession(current.issuer(), current.clientId(), current.subject(), current.idToken(),
                        current.idTokenExpiresAt(), result.rotatedRefreshToken(), current.authTime(),
                        current.idTokenRenewable());
                sessions.save(next);
            }
            cached = new Cached(e, next);
            return Optional.of(result.idJag());
        });
    }

    @Override
    public String renewAfterRejection(String rejected) {
        return refreshUnderLock(rejected);
    }

    @Override
    public void reset() {
        cached = null;
    }

    private String refreshUnderLock(String rejected) {
        return underLock(() -> {
            long e = epoch.getAsLong();
            IdpSession current = sessions.load().orElseThrow(SessionIdTokenProvider::notSignedIn);
            if (fresh(current) && !current.idToken().equals(rejected)) {
                cached = new Cached(e, current); // someone else refreshed while we waited for the lock
                return current.idToken();
            }
            IdpSession next = refresher.apply(current);
            cached = new Cached(e, next);
            if (!fresh(next)) {
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The IdP issued an ID token that expires too soon; sign in again");
            }
            return next.idToken();
        });
    }

    /** {@code action} under {@link SessionAccess#withLock}, its failures as {@link ConnectorException}s. */
    private <T> T underLock(java.util.concurrent.Callable<T> action) {
        try {
            return sessions.withLock(action);
        } catch (ConnectorException e) {
            if (e.kind() == ConnectorException.Kind.SIGN_IN_REQUIRED) {
                cached = null;
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // Closing, nothing upstream failed; no kind says so, and "try again" is the remedy.
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "Could not renew the IdP session: interrupted", e);
        } catch (java.io.IOException e) { // the session's lock file (SessionStore#withLock): local storage, not the IdP
            throw new ConnectorException(ConnectorException.Kind.CREDENTIAL_STORE, "Could not renew the IdP session: "
                    + e.getMessage() + "; check that the xaa4j state directory is writable by you", e);
        } catch (Exception e) {
            throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "Could not renew the IdP session: " + e.getMessage(), e);
        }
    }

    private boolean fresh(IdpSession s) {
        Instant now = clock.instant();
        return !now.plus(marginFor(s)).isAfter(s.idTokenExpiresAt());
    }

    private Duration marginFor(IdpSession s) {
        try {
            Date iat = JWTParser.parse(s.idToken()).getJWTClaimsSet().getIssueTime();
            if (iat != null) {
                Duration lifetime = Duration.between(iat.toInstant(), s.idTokenExpiresAt());
                Duration quarter = lifetime.dividedBy(4);
                Duration m = quarter.compareTo(margin) < 0 ? quarter : margin;
                return m.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(2) : m;
            }
        } catch (java.text.ParseException | RuntimeException e) {
            // not a JWT we can read: use the configured margin
        }
        return margin;
    }

    private static ConnectorException notSignedIn() {
        return new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "You are not signed in to your IdP; sign in first");
    }
}
