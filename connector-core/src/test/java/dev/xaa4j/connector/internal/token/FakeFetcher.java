package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.AccessToken;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A token source that counts calls, can be held on a latch, and can be told to fail next. */
final class FakeFetcher implements TokenFetcher {
    final Clock clock;
    volatile Duration lifetime;
    final AtomicInteger calls = new AtomicInteger();
    final ConcurrentLinkedQueue<Supplier<RuntimeException>> failures = new ConcurrentLinkedQueue<>();
    volatile CountDownLatch gate;
    volatile CountDownLatch entered = new CountDownLatch(1);
    volatile Set<String> lastExtraScopes = Set.of();
    /** When set, every fetch releases one {@link #arrivals} permit, then waits for one turnstile permit. */
    volatile Semaphore turnstile;
    final Semaphore arrivals = new Semaphore(0);
    /** What the fake "IdP" grants when no scope is asked for. */
    volatile Set<String> defaultScopes = Set.of();

    FakeFetcher(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    @Override
    public Fetched fetch(String server, Set<String> extraScopes) {
        int n = calls.incrementAndGet();
        lastExtraScopes = extraScopes;
        entered.countDown();
        Semaphore t = turnstile;
        if (t != null) {
            arrivals.release();
            t.acquireUninterruptibly();
        }
        CountDownLatch g = gate;
        if (g != null) {
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Supplier<RuntimeException> failure = failures.poll();
        if (failure != null) {
            throw failure.get();
        }
        AccessToken token = new AccessToken(server, "token-" + n, "Bearer", clock.instant().plus(lifetime),
                extraScopes.isEmpty() ? defaultScopes : extraScopes);
        return new Fetched(token, new TokenKey("https://idp.test", "https://as.test", "https://mcp.test/" + server,
                String.join(" ", extraScopes)));
    }
}
