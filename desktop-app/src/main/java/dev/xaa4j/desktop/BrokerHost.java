package dev.xaa4j.desktop;

import dev.xaa4j.connector.host.SessionHost;
import dev.xaa4j.connector.host.broker.BrokerAlreadyRunningException;
import dev.xaa4j.connector.host.broker.SignInNeeded;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.LoggerFactory;

/**
 * Serves the tray's connector to bridges on the same per-user socket as {@code xaa agent} (docs/architecture.md "One
 * session owner per machine"): while the app runs, {@code xaa bridge} takes tokens from it, and a bridge that needs
 * a sign-in reaches {@code onSignInNeeded} (a tray notification) instead of opening a browser. The serving itself
 * is the {@link SessionHost}'s (the same class {@code xaa agent} uses); this class attaches it and says in plain
 * words when it cannot serve.
 *
 * <p>When another broker already serves the socket: an {@code xaa agent} a command started on demand hands it over
 * ({@link SessionHost#takeOver()}, off the UI thread); one a person started is left alone, and this app says so.
 *
 * @param host   the tray's session host
 * @param socket where it serves
 */
public record BrokerHost(SessionHost host, Path socket) implements AutoCloseable {

    /**
     * Serves {@code session}'s connector from now on (and every later one); {@code onStatus} receives "" when serving
     * starts, else a sentence for people saying why it cannot.
     */
    public static BrokerHost attach(TraySession session, Path socket, Consumer<SignInNeeded> onSignInNeeded,
                                    Consumer<String> onStatus) {
        SessionHost host = session.host();
        java.util.concurrent.atomic.AtomicBoolean takingOver = new java.util.concurrent.atomic.AtomicBoolean();
        host.onBroker(problem -> {
            if (problem.filter(BrokerAlreadyRunningException.class::isInstance).isEmpty()) {
                onStatus.accept(problem.map(BrokerHost::sentence).orElse(""));
            } else if (takingOver.compareAndSet(false, true)) { // told only if the other one keeps the socket
                RuntimeException already = problem.get();
                dev.xaa4j.connector.internal.DaemonThreads.start(() -> {
                    try {
                        if (!host.takeOver()) { // an agent started on demand stands down; "" reaches onStatus then
                            onStatus.accept(sentence(already));
                        }
                    } finally {
                        takingOver.set(false);
                    }
                }, "xaa4j-take-over");
            } // else: a serve attempt during the take-over (the agent's socket goes before its lock): no flicker
        });
        // The storage is told to bridges and `xaa status`: a memory session is only here.
        host.serve(new SessionHost.Broker(socket, session.sessionStorage(), onSignInNeeded));
        return new BrokerHost(host, socket);
    }

    private static String sentence(RuntimeException e) {
        if (e instanceof BrokerAlreadyRunningException) {
            return "Another xaa4j agent already serves your AI tools on this computer; this window shows "
                    + "its own sign-in only. Stop `xaa agent` to let this app serve them.";
        }
        LoggerFactory.getLogger(BrokerHost.class).warn("cannot serve the broker: {}", e.toString());
        return "Your AI tools cannot get tokens from this app (" + e.getMessage() + "); they sign in on their own instead.";
    }

    public boolean serving() {
        return host.serving();
    }

    @Override
    public void close() {
        host.stopServing();
    }
}
