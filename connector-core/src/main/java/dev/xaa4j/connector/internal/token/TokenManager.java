package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import java.time.Clock;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The token cache and its proactive renewal (docs/protocol.md §4–§5): the heart of the connector. One
 * {@link TokenSlot} per configured MCP server holds its cached token; {@link RenewalScheduler} runs renewals and
 * {@link FailurePolicy} decides what a failed one does.
 *
 * <h2>Concurrency contract</h2>
 * Thread-safe; every method may be called from any thread.
 * <ul>
 *   <li><b>What blocks.</b> A cached hit of {@link #token} never blocks: a {@code ConcurrentHashMap.get}, a
 *       volatile read of an immutable {@link CachedToken}, one {@link Clock#millis()} read and two volatile
 *       reads; no lock, no CAS, no allocation. Only a caller with no usable token waits, for the renewal in
 *       flight, at most {@link RenewalPolicy#callerWait()} (default 30 s), then gets an
 *       {@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE}. {@link #tokenAsync}, {@link #peek} and {@link #status} never wait (except
 *       that a caller answered a held SERVER_SIGN_IN_REQUIRED makes the one credential-store read of the grant
 *       re-check, at most every {@value #GRANT_RECHECK_MS} ms per server).
 *       {@link #invalidate}, {@link #stepUp}, {@link #clearFailures} and {@link #clear} hold one server's
 *       monitor for a few field writes, never across I/O. {@link #close()} waits up to 15 s for renewals in
 *       flight. A renewal itself runs on a renewal thread and may block there on HTTP (each request bounded by
 *       the connector's HTTP timeout) and on the session lock of {@link SessionAccess#withLock}.</li>
 *   <li><b>Single flight, per server.</b> At most one renewal per server name is in flight; every caller that
 *       needs a token and the background timer join the same future.</li>
 *   <li><b>Callers do not wait once warm.</b> Renewal starts in the background at
 *       {@code expiry − margin − jitter} ({@link RenewalPolicy}) for servers used within
 *       {@link RenewalPolicy#idleAfter()}, both from the timer and from the first hit past that point; callers
 *       keep getting the current token meanwhile.</li>
 *   <li><b>Never hands out an expired token</b>: a token is served only while it has more than
 *       {@link RenewalPolicy#minRemainingMillis} left, by the injected {@link Clock}.</li>
 *   <li><b>Results that race a change</b> (Caffeine's rule). Each slot has a generation that a step-up
 *       ({@link #stepUp}), an invalidation ({@link #invalidate}), a sign-in ({@link #clearFailures}) and a
 *       sign-out ({@link #clear}, which also retires the slot) advance under its monitor; the session epoch
 *       ({@link SessionEpoch}) advances on any sign-in or sign-out, in any process. A renewal installs its
 *       token only if neither moved since its fetch started, and ends its single flight in the same step, so a
 *       caller that comes after the change never receives the old result. Otherwise the token is discarded and
 *       fetched again for the current scopes, session and discovery; after a sign-out the renewal's callers get
 *       {@link ConnectorException.Kind#SIGN_IN_REQUIRED}. A failure found under an older epoch is not answered from memory.</li>
 *   <li><b>Threads that run callbacks.</b> Events ({@link ConnectorEvent.TokenIssued},
 *       {@link ConnectorEvent.RenewalFailed}, {@link ConnectorEvent.AccessRevoked},
 *       {@link ConnectorEvent.SignInRequired}) are delivered on the renewal thread ({@code xaa4j-renewal-N})
 *       before the renewal's waiting callers resume, and the futures of {@link #tokenAsync} complete there; a
 *       listener must not wait for a token of the same server. The timer thread ({@code xaa4j-renewal-timer})
 *       only starts renewals.</li>
 *   <li><b>Failures</b> ({@link FailurePolicy}): transient ones ({@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE},
 *       {@link ConnectorException.Kind#CREDENTIAL_STORE}) keep the still-valid token and retry with jittered exponential
 *       back-off; callers fail only when nothing valid is left. Denials ({@link ConnectorException.Kind#ACCESS_DENIED},
 *       {@link ConnectorException.Kind#SERVER_NOT_ENABLED}) drop the token, emit {@link ConnectorEvent.AccessRevoked} and are
 *       answered from memory for {@link RenewalPolicy#deniedRetryAfter()} (no retry storm).
 *       {@link ConnectorException.Kind#SIGN_IN_REQUIRED} emits {@link ConnectorEvent.SignInRequired} and stops renewal until
 *       {@link #clearFailures()} (after a sign-in); {@link ConnectorException.Kind#SERVER_SIGN_IN_REQUIRED} also until a
 *       caller finds a grant stored meanwhile (rate-limited, see the 7-argument constructor); nothing here ever opens a browser. A refused step-up
 *       ({@link ScopeDeniedException}) fails only the callers of that renewal and undoes the step-up, so the
 *       scopes granted before stay obtainable. Each caller gets its own copy of a shared failure, same type,
 *       kind and OAuth error.</li>
 * </ul>
 * Entries are tagged with their {@link TokenKey} (IdP issuer, AS issuer, resource, scopes); a step-up changes the
 * scopes and hence the key, so a new token is fetched.
 */
public final class TokenManager implements AutoCloseable {

    /** Counters for tests, benchmarks and {@code xaa doctor}. */
    public record Stats(long renewals, long blockedCalls, long failures) {
    }

    private static final long TOUCH_GRANULARITY_MS = 1_000;
    /** How often, per server, a held SERVER_SIGN_IN_REQUIRED looks for a grant another process stored. */
    static final long GRANT_RECHECK_MS = 5_000;
    static final int MAX_STEP_UPS = 2;

    private final Clock clock;
    private final RenewalPolicy policy;
    private final Predicate<String> knownServer;
    private final LongSupplier sessionEpoch;
    private final Predicate<String> grantStored;
    private final ConcurrentHashMap<String, TokenSlot> slots = new ConcurrentHashMap<>();
    private final RenewalScheduler scheduler;
    private final LongAdder blocked = new LongAdder();

    public TokenManager(TokenFetcher fetcher, Clock clock, RenewalPolicy policy, Consumer<ConnectorEvent> events,
                        Predicate<String> knownServer) {
        this(fetcher, clock, policy, events, knownServer, () -> 0L);
    }

    /**
     * @param events       receives the events above, on the renewal thread; exceptions it throws are logged
     * @param knownServer  whether a server name is configured (else {@link ConnectorException.Kind#CONFIGURATION})
     * @param sessionEpoch the IdP session epoch ({@link SessionEpoch#current()}): a fetch that ran while it changed
     *                     (sign-in or sign-out meanwhile) is run again, and a failure recorded under an older epoch
     *                     is not answered from memory
     */
    public TokenManager(TokenFetcher fetcher, Clock clock, RenewalPolicy policy, Consumer<ConnectorEvent> events,
                        Predicate<String> knownServer, LongSupplier sessionEpoch) {
        this(fetcher, clock, policy, events, knownServer, sessionEpoch, server -> false);
    }

    /**
     * Like the constructor above, with {@code grantStored}: whether a per-server grant is stored for a server
     * (one credential-store read, e.g. {@code ServerGrants.hasGrant}). A held
     * {@link ConnectorException.Kind#SERVER_SIGN_IN_REQUIRED} asks it at most every {@value #GRANT_RECHECK_MS} ms per
     * server, when a caller wants a token; a grant that appeared since (a sign-in in another process) clears the
     * failure and the caller's renewal uses it (docs/architecture.md "One session owner per machine"). It may
     * throw; that counts as "no change".
     */
    public TokenManager(TokenFetcher fetcher, Clock clock, RenewalPolicy policy, Consumer<ConnectorEvent> events,
                        Predicate<String> knownServer, LongSupplier sessionEpoch, Predicate<String> grantStored) {
        this.grantStored = grantStored;
        this.sessionEpoch = sessionEpoch;
        this.clock = clock;
        this.policy = policy;
        this.knownServer = knownServer;
        this.scheduler = new RenewalScheduler(fetcher, clock, policy, events);
    }

    /**
     * A valid token for {@code server}; blocks only when none is cached (see the class contract).
     *
     * @throws ConnectorException ({@link ConnectorException.Kind#CONFIGURATION}) for a server name that is not configured, and the failures of
     *                                {@link FailurePolicy}
     */
    public AccessToken token(String server) {
        TokenSlot s = slots.get(server);
        if (s != null) {
            CachedToken e = s.entry;
            if (e != null) {
                long now = clock.millis();
                if (now < e.usableUntil) {
                    if (now >= s.nextAttemptAt) {
                        scheduler.renew(s);
                    }
                    if (now - s.lastUsed >= TOUCH_GRANULARITY_MS) {
                        s.lastUsed = now;
                    }
                    return e.token;
                }
            }
        }
        return slowPath(server);
    }

    /** Like {@link #token} but never blocks: completes, on the renewal thread, when a renewal does. */
    public CompletableFuture<AccessToken> tokenAsync(String server) {
        Optional<AccessToken> cached = peek(server);
        if (cached.isPresent()) {
            return CompletableFuture.completedFuture(token(server));
        }
        TokenSlot s;
        try {
            s = slot(server);
        } catch (ConnectorException e) {
            return CompletableFuture.failedFuture(e);
        }
        long now = clock.millis();
        s.lastUsed = now;
        ConnectorException failed = heldFailure(s, now);
        if (failed != null) {
            return CompletableFuture.failedFuture(FailurePolicy.copy(failed));
        }
        blocked.increment();
        return scheduler.renew(s).thenApply(e -> e.token);
    }

    /** The cached, usable token, if any; never starts a renewal. */
    public Optional<AccessToken> peek(String server) {
        TokenSlot s = slots.get(server);
        CachedToken e = s == null ? null : s.entry;
        return e != null && clock.millis() < e.usableUntil ? Optional.of(e.token) : Optional.empty();
    }

    /**
     * The MCP server rejected {@code rejectedValue} (401): drop it if it is still the cached token, so the next
     * {@link #token} renews. Returns whether it was dropped.
     */
    public boolean invalidate(String server, String rejectedValue) {
        TokenSlot s = slots.get(server);
        return s != null && s.invalidate(rejectedValue);
    }

    /**
     * {@code 403 insufficient_scope}: add {@code scopes} and the current token's granted scopes to what is
     * requested for {@code server} and drop the cached token. Bounded: returns {@code false} (nothing changed)
     * after {@value #MAX_STEP_UPS} step-ups or when the scopes are already requested.
     */
    public boolean stepUp(String server, Collection<String> scopes) {
        return slot(server).stepUp(scopes, MAX_STEP_UPS);
    }

    /**
     * A per-server sign-in obtained {@code fetched} for {@code server}: it is cached at once (the next {@link #token}
     * is served without a renewal), any failure state is cleared, {@link ConnectorEvent.TokenIssued} is emitted on
     * the calling thread and renewal is scheduled. A renewal in flight installs nothing over it.
     *
     * @throws ConnectorException ({@link ConnectorException.Kind#CONFIGURATION}) for a server name that is not configured
     */
    public void accept(String server, TokenFetcher.Fetched fetched) {
        TokenSlot s = slot(server);
        long now = clock.millis();
        CachedToken fresh = CachedToken.of(fetched, now, policy);
        s.lastUsed = now;
        s.accept(fresh);
        scheduler.installed(s, fresh);
    }

    /** After a per-server sign-in that yielded no token here (e.g. an enterprise sign-in): let the next call try. */
    public void clearFailures(String server) {
        TokenSlot s = slots.get(server);
        if (s != null) {
            s.clearFailures();
        }
    }

    /** After a sign-in: forget sign-in-required and denial states so the next call tries again. */
    public void clearFailures() {
        for (TokenSlot s : slots.values()) {
            s.clearFailures();
        }
    }

    /**
     * {@code server} was removed from the configuration: drop its token, state and scheduled renewal; a renewal in
     * flight for it installs nothing (the slot is retired under its lock, as in {@link #clear()}).
     */
    public void forget(String server) {
        TokenSlot s = slots.get(server);
        if (s != null) {
            s.retire();
            slots.remove(server, s);
        }
    }

    /** After a sign-out: drop every token and state; renewals in flight install nothing. */
    public void clear() {
        for (TokenSlot s : slots.values()) {
            s.retire();
            slots.remove(s.server, s);
        }
    }

    public ServerStatus status(String server) {
        TokenSlot s = slots.get(server);
        if (s == null) {
            return new ServerStatus(server, ServerState.IDLE, Optional.empty(), Set.of(), Optional.empty());
        }
        CachedToken e = s.entry;
        boolean valid = e != null && clock.millis() < e.usableUntil;
        ServerState state = s.state;
        if (state == ServerState.READY && !valid) {
            state = ServerState.IDLE;
        }
        return ServerStatus.of(server, state, valid ? Optional.of(e.token.expiresAt()) : Optional.empty(),
                valid ? e.token.scopes() : Set.of(), Optional.ofNullable(s.lastError));
    }

    public Stats stats() {
        return new Stats(scheduler.renewals(), blocked.sum(), scheduler.failures());
    }

    /** Stops background renewal; waits up to 15 s for renewals in flight (see {@link RenewalScheduler#close()}). */
    @Override
    public void close() {
        scheduler.close();
    }

    /**
     * The failure {@code s} answers callers with at {@code now}, or {@code null} to renew. A held
     * SERVER_SIGN_IN_REQUIRED is dropped when a grant has appeared in the store since the last look (rate-limited).
     */
    private ConnectorException heldFailure(TokenSlot s, long now) {
        ConnectorException failed = s.failureToAnswer(now);
        if (failed == null || failed.kind() != ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED
                || !s.claimGrantCheck(now, GRANT_RECHECK_MS)) {
            return failed;
        }
        boolean stored;
        try {
            stored = grantStored.test(s.server);
        } catch (RuntimeException e) {
            return failed; // the store cannot be read now: keep answering the failure, look again later
        }
        if (s.grantAppeared(stored)) {
            s.clearFailures();
            return s.failureToAnswer(now);
        }
        return failed;
    }

    private AccessToken slowPath(String server) {
        TokenSlot s = slot(server);
        for (int attempt = 0; ; attempt++) {
            long now = clock.millis();
            s.lastUsed = now;
            CachedToken e = s.entry;
            if (e != null && now < e.usableUntil) {
                return e.token;
            }
            ConnectorException failed = heldFailure(s, now);
            if (failed != null) {
                throw FailurePolicy.copy(failed);
            }
            blocked.increment();
            CompletableFuture<CachedToken> renewal = scheduler.renew(s);
            CachedToken fresh;
            try {
                fresh = renewal.get(policy.callerWait().toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException ex) {
                throw FailurePolicy.copy(FailurePolicy.asConnectorException(ex.getCause()));
            } catch (TimeoutException ex) {
                throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "Timed out waiting for a token for '" + server + "'; try again later");
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                // The caller gave up, nothing upstream failed; no kind says so, and "retry later" is its remedy.
                throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE,
                        "Interrupted while waiting for a token for '" + server + "'");
            }
            if (clock.millis() < fresh.expiresAt) {
                return fresh.token;
            }
            if (attempt >= 1) {
                throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "The authorization server of '" + server
                        + "' issued a token that was already expired; check the clocks");
            }
        }
    }

    private TokenSlot slot(String server) {
        TokenSlot s = slots.get(server);
        if (s != null) {
            return s;
        }
        if (!knownServer.test(server)) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "No MCP server named '" + server + "' is configured");
        }
        return slots.computeIfAbsent(server, name -> new TokenSlot(name, sessionEpoch));
    }
}
