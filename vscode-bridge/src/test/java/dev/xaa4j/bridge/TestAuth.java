package dev.xaa4j.bridge;

import dev.xaa4j.bridge.proxy.UpstreamAuth;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A scripted token source: hands out tokens in order; records unauthorized and step-up calls. */
final class TestAuth implements UpstreamAuth {

    volatile String token;
    volatile String tokenAfterRenewal;
    volatile String tokenAfterStepUp;
    final AtomicInteger unauthorizedCalls = new AtomicInteger();
    final List<String> stepUpScopes = new CopyOnWriteArrayList<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    TestAuth(String token) {
        this.token = token;
    }

    /** Nobody signed in yet. */
    static TestAuth signedOut() {
        return new TestAuth(null);
    }

    void signIn(String newToken) {
        token = newToken;
        listeners.forEach(Runnable::run);
    }

    /** Until this System.nanoTime(), authorization() blocks (a slow token chain: keyring, token exchange, jwt-bearer). */
    volatile long tokensFromNanos = Long.MIN_VALUE;

    void tokensAfter(java.time.Duration delay) {
        tokensFromNanos = System.nanoTime() + delay.toNanos();
    }

    @Override
    public Optional<String> authorization(String server) {
        long wait = tokensFromNanos - System.nanoTime();
        if (tokensFromNanos != Long.MIN_VALUE && wait > 0) {
            try {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait); // a fixture, not a wait: a slow token chain
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String t = token;
        return t == null ? Optional.empty() : Optional.of("Bearer " + t);
    }

    @Override
    public void unauthorized(String server) {
        unauthorizedCalls.incrementAndGet();
        if (tokenAfterRenewal != null) {
            token = tokenAfterRenewal;
        }
    }

    @Override
    public boolean stepUp(String server, String scope) {
        stepUpScopes.add(scope);
        if (tokenAfterStepUp == null) {
            return false;
        }
        token = tokenAfterStepUp;
        return true;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }
}
