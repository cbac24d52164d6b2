package dev.xaa4j.desktop;

import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.desktop.DesktopModel.Activity;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The window's activity list: the newest {@value #MAX} lines, newest first, from the connector's events and the
 * app's own actions. Lines never carry token values: events hold none, and reasons are the connector's messages.
 * Thread-safe.
 */
final class ActivityLog {

    static final int MAX = 200;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Deque<Activity> lines = new ArrayDeque<>();

    synchronized void add(Instant at, String text) {
        lines.addFirst(new Activity(at, text));
        while (lines.size() > MAX) {
            lines.removeLast();
        }
    }

    synchronized List<Activity> snapshot() {
        return List.copyOf(lines);
    }

    /**
     * The line of an event, or null for events the list does not show.
     *
     * @param displayName a {@code sub} → the person's name
     */
    static String describe(ConnectorEvent event, UnaryOperator<String> displayName) {
        if (event instanceof ConnectorEvent.SignedIn s) {
            return "Signed in as " + displayName.apply(s.user()) + " (session until " + time(s.sessionExpiresAt()) + ")";
        } else if (event instanceof ConnectorEvent.SignedOut s) {
            return "Signed out" + s.user().map(u -> " (" + displayName.apply(u) + ")").orElse("");
        } else if (event instanceof ConnectorEvent.TokenIssued t) {
            return t.server() + ": access granted (" + String.join(" ", new TreeSet<>(t.scopes())) + ") until " + time(t.expiresAt());
        } else if (event instanceof ConnectorEvent.AccessRevoked r) {
            return r.server() + ": access refused: " + r.reason();
        } else if (event instanceof ConnectorEvent.RenewalFailed f) {
            return f.server() + ": renewal failed (" + f.reason() + ")" + (f.tokenStillValid() ? "; still working" : "");
        } else if (event instanceof ConnectorEvent.SignInRequired s) {
            return "Sign-in needed" + s.server().map(x -> " (noticed by " + x + ")").orElse("") + ": " + s.reason();
        }
        return null;
    }

    private static String time(Instant at) {
        return TIME.format(at.atZone(ZoneId.systemDefault()));
    }
}
