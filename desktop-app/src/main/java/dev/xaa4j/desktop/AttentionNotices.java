package dev.xaa4j.desktop;

import dev.xaa4j.connector.ServerState;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import dev.xaa4j.desktop.DesktopModel.View;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One tray notification for a burst of server changes a person must act on, not one per server: access revoked or
 * not enabled, a sign-in needed, a server added for them (by {@code xaa server add} or their organization, not by
 * this window's Add). The first such change opens a window of {@code window}; when it closes, everything that
 * changed within it and still needs the person is one {@link Notice} ("3 servers need you: notes, wiki and 1
 * more"). A server that already needed the person for the same reason is not news. Fed the model's views in
 * order; no JavaFX. Thread-safe.
 */
final class AttentionNotices {

    /** What the tray shows: one title, one line, and the servers it is about (in table order). */
    record Notice(String title, String text, List<String> servers) {
    }

    static final String ADDED = "New server";
    /** The reason of a server the organization's policy added while the app runs ({@link #addedByOrganization}). */
    static final String ORGANIZATION = "Added by your organization";

    private final Duration window;
    private final BiConsumer<Duration, Runnable> timer;
    private final Consumer<Notice> out;
    private final Map<String, String> reasons = new HashMap<>();
    private final Map<String, String> pending = new LinkedHashMap<>();
    private final Set<String> addedHere = new HashSet<>();
    private final Set<String> byOrganization = new HashSet<>();
    private Set<String> known;
    private boolean scheduled;

    /**
     * @param window how long a burst is gathered before the one notification (the app uses 3 s)
     * @param timer  runs the task once after the delay (the app: the model's scheduler; tests run it by hand)
     * @param out    receives each notification, on the timer's thread
     */
    AttentionNotices(Duration window, BiConsumer<Duration, Runnable> timer, Consumer<Notice> out) {
        this.window = window;
        this.timer = timer;
        this.out = out;
    }

    /** The reason a row needs its person now (its state in words), or null. */
    static String reason(ServerRow r) {
        return r.state() == ServerState.DENIED || r.state() == ServerState.SIGN_IN_REQUIRED ? r.stateText() : null;
    }

    /** A server this window's Add stored: its appearance is not news. Any thread. */
    synchronized void addedHere(String name) {
        addedHere.add(name);
        if (ADDED.equals(pending.get(name))) {
            pending.remove(name);
        }
    }

    /**
     * Servers the organization's policy added (the session owner applied them: {@code SessionHost.Applied.managedAdded},
     * or the AI-client offer names them): they join the current burst (or start one) as "Added by your
     * organization", also when their row appears only in a later view. Any thread.
     */
    synchronized void addedByOrganization(java.util.Collection<String> names) {
        byOrganization.addAll(names);
        names.forEach(n -> pending.put(n, ORGANIZATION));
        if (!pending.isEmpty() && !scheduled) {
            scheduled = true;
            timer.accept(window, this::flush);
        }
    }

    private static boolean added(String reason) {
        return ADDED.equals(reason) || ORGANIZATION.equals(reason);
    }

    /** Follows a new view: notes what changed for the worse; the first change of a burst starts the window. */
    synchronized void observe(View v) {
        Map<String, String> now = new HashMap<>();
        for (ServerRow r : v.servers()) {
            String reason = reason(r);
            boolean isNew = known != null && !known.contains(r.name()) && !addedHere.contains(r.name());
            if (reason != null && !reason.equals(reasons.get(r.name()))) {
                pending.put(r.name(), reason);
            } else if (reason == null && isNew && !added(pending.get(r.name()))) {
                pending.put(r.name(), byOrganization.contains(r.name()) ? ORGANIZATION : ADDED);
            } else if (reason == null && !added(pending.get(r.name()))) {
                pending.remove(r.name()); // it is fine again before anybody was told
            }
            if (reason != null) {
                now.put(r.name(), reason);
            }
        }
        Set<String> names = new HashSet<>(v.servers().stream().map(ServerRow::name).toList());
        pending.keySet().retainAll(names);
        reasons.clear();
        reasons.putAll(now);
        known = names;
        if (!pending.isEmpty() && !scheduled) {
            scheduled = true;
            timer.accept(window, this::flush);
        }
    }

    /** Ends the window: one notification for everything still pending, then a new burst may start. */
    void flush() {
        Notice n;
        synchronized (this) {
            scheduled = false;
            pending.keySet().removeIf(name -> ADDED.equals(pending.get(name)) && addedHere.contains(name));
            if (pending.isEmpty()) {
                return;
            }
            n = notice(new LinkedHashMap<>(pending));
            pending.clear();
        }
        out.accept(n);
    }

    /** "notes needs you: Access revoked" for one server; "3 servers need you: notes, wiki and 1 more" for more. */
    static Notice notice(Map<String, String> servers) {
        List<String> names = new ArrayList<>(servers.keySet());
        // revoked / sign-in first, new servers last; by name within each
        names.sort(java.util.Comparator.comparing((String x) -> added(servers.get(x))).thenComparing(x -> x));
        String next = " Open xaa4j to see what to do.";
        if (names.size() == 1) {
            String name = names.get(0);
            return new Notice(name + " needs you", name + " needs you: " + servers.get(name) + "." + next, names);
        }
        String shown = names.size() == 2 ? names.get(0) + " and " + names.get(1)
                : names.get(0) + ", " + names.get(1) + " and " + (names.size() - 2) + " more";
        String title = names.size() + " servers need you";
        return new Notice(title, title + ": " + shown + "." + next, names);
    }
}
