package dev.xaa4j.desktop;

import dev.xaa4j.connector.ServerState;
import dev.xaa4j.desktop.DesktopModel.ServerAction;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Which servers the window's table shows and in which order: a search over name and address, and the order
 * "needs you first" (access revoked or not enabled, then sign-in needed, then not reachable, then the rest; by
 * name within each) or by name. Pure functions, no JavaFX; thread-safe.
 */
final class ServerOrder {

    /** The table's order. */
    enum Sort {
        /** What a person must act on first ({@link #urgency}), then by name. */
        NEEDS_YOU_FIRST("Needs you first"),
        /** By name only. */
        NAME("Name");

        final String words;

        Sort(String words) {
            this.words = words;
        }
    }

    private static final Comparator<ServerRow> BY_NAME =
            Comparator.comparing((ServerRow r) -> r.name().toLowerCase(Locale.ROOT)).thenComparing(ServerRow::name);

    private ServerOrder() {
    }

    /**
     * 0: access revoked or not enabled ({@link ServerState#DENIED}); 1: a sign-in is needed (the state, or a
     * "Sign in to SERVER" the row offers); 2: not reachable ({@link ServerState#FAILED}); 3: everything else.
     */
    static int urgency(ServerRow r) {
        if (r.state() == ServerState.DENIED) {
            return 0;
        }
        if (r.state() == ServerState.SIGN_IN_REQUIRED || r.action() == ServerAction.SIGN_IN) {
            return 1;
        }
        return r.state() == ServerState.FAILED ? 2 : 3;
    }

    /**
     * Whether every word of {@code query} (split at white space, case ignored) occurs in the server's name or
     * address; a blank query matches every server.
     */
    static boolean matches(ServerRow r, String query) {
        String hay = (r.name() + " " + r.url()).toLowerCase(Locale.ROOT);
        return query == null || Arrays.stream(query.toLowerCase(Locale.ROOT).strip().split("\\s+"))
                .allMatch(hay::contains);
    }

    /** The rows matching {@code query}, in {@code sort}'s order; a new list, {@code rows} is left alone. */
    static List<ServerRow> arrange(List<ServerRow> rows, String query, Sort sort) {
        Comparator<ServerRow> order = sort == Sort.NAME ? BY_NAME
                : Comparator.comparingInt(ServerOrder::urgency).thenComparing(BY_NAME);
        return rows.stream().filter(r -> matches(r, query)).sorted(order).toList();
    }
}
