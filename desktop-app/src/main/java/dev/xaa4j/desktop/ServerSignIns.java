package dev.xaa4j.desktop;

import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.desktop.PlainLanguage.Problem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The per-server sign-ins and sign-outs of {@link DesktopModel} ("Sign in to SERVER", "Sign out of SERVER"): plain
 * MCP OAuth servers, each with its own consent in the system browser, opened from this process
 * ({@link TokenSource#signIn(String)}, {@link TokenSource#signOut(String)}). At most one sign-in per server runs;
 * asking again while it runs does nothing. Outcomes go to the {@link Outcomes} in plain words.
 *
 * <p>Thread-safe: callers on any thread; the token source is called on the model's background executor.
 */
final class ServerSignIns {

    /** Where the outcomes go (the model: its problem banner, activity list and next view). */
    interface Outcomes {
        /** Called before anything else happens for a started sign-in (the row shows it runs). */
        void started(String server);

        /**
         * @param problem  what went wrong and what to do next, or empty when it worked
         * @param activity the activity line
         */
        void finished(String server, Optional<Problem> problem, String activity, boolean signedOut);
    }

    private final Supplier<Optional<? extends TokenSource>> source;
    private final Executor background;
    private final Function<String, String> serverHost;
    private final Outcomes outcomes;
    /** Running sign-ins by server, with the connector's future once it returned one. Guarded by this. */
    private final Map<String, Optional<CompletableFuture<?>>> running = new HashMap<>();
    /** Running sign-ins cancelled before the connector returned their future. Guarded by this. */
    private final java.util.Set<String> cancelled = new java.util.HashSet<>();

    /** @param serverHost a server name → its host and port, for "cannot reach" messages */
    ServerSignIns(Supplier<Optional<? extends TokenSource>> source, Executor background,
                  Function<String, String> serverHost, Outcomes outcomes) {
        this.source = source;
        this.background = background;
        this.serverHost = serverHost;
        this.outcomes = outcomes;
    }

    synchronized boolean running(String server) {
        return running.containsKey(server);
    }

    /**
     * Cancel: every running sign-in stops waiting for the browser; one still starting is cancelled as soon as the
     * connector returns its future.
     */
    void cancelAll() {
        List<CompletableFuture<?>> flights = new ArrayList<>();
        synchronized (this) {
            running.forEach((server, f) -> f.ifPresentOrElse(flights::add, () -> cancelled.add(server)));
        }
        flights.forEach(f -> f.cancel(true));
    }

    /** Starts {@code server}'s sign-in unless one runs; returns whether this call started it. */
    boolean signIn(String server) {
        synchronized (this) {
            if (running.putIfAbsent(server, Optional.empty()) != null) {
                return false; // one click or ten: one sign-in
            }
        }
        outcomes.started(server);
        background.execute(() -> {
            CompletableFuture<?> flight;
            try {
                flight = source.get().orElseThrow(() -> new IllegalStateException("No connector is set up yet"))
                        .signIn(server);
            } catch (RuntimeException e) {
                signedIn(server, e);
                return;
            }
            boolean cancelNow;
            synchronized (this) {
                running.replace(server, Optional.of(flight));
                cancelNow = cancelled.remove(server);
            }
            if (cancelNow) {
                flight.cancel(true); // Cancel was pressed while the sign-in was still starting
            }
            flight.whenCompleteAsync((ok, error) -> signedIn(server, error), background);
        });
        return true;
    }

    private void signedIn(String server, Throwable error) {
        synchronized (this) {
            running.remove(server);
            cancelled.remove(server);
        }
        Optional<Problem> p = Optional.ofNullable(error)
                .map(e -> PlainLanguage.serverSignInFailure(e, server, serverHost.apply(server)));
        outcomes.finished(server, p, p.map(x -> server + ": sign-in did not finish. " + x.what())
                .orElse("Signed in to " + server), false);
    }

    /** Ends {@code server}'s own grant; the company sign-in and the other servers stay. */
    void signOut(String server) {
        background.execute(() -> {
            try {
                source.get().ifPresent(s -> s.signOut(server));
                outcomes.finished(server, Optional.empty(),
                        "Signed out of " + server + " (your company sign-in is unchanged)", true);
            } catch (RuntimeException e) {
                Problem p = PlainLanguage.failure(e, serverHost.apply(server));
                outcomes.finished(server, Optional.of(p), server + ": sign-out failed. " + p.what(), false);
            }
        });
    }
}
