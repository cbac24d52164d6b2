package dev.xaa4j.desktop;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.desktop.DesktopModel.ServerAction;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import dev.xaa4j.desktop.PlainLanguage.Problem;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.desktop.DesktopModel.TrayState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.TreeSet;

/**
 * One server row of the window and the tray from the configuration entry and the connector's status: its flow in
 * plain words, its state, and which per-server button it offers (docs/architecture.md "Choosing the flow").
 * Pure functions; no I/O.
 */
final class ServerRows {

    /** A row, and the problem it raises for the banner (if any). */
    record Built(ServerRow row, Optional<Problem> problem) {
    }

    /**
     * Every configured server's row, in configuration order, with the first row problem, whether a server needs the
     * company sign-in that is not set up, and the tray icon's state.
     */
    record Table(List<ServerRow> rows, Optional<Problem> problem, boolean companyNeeded, TrayState tray) {
    }

    private ServerRows() {
    }

    /**
     * @param status    the connector's status, or null without a connector
     * @param connector whether there is a connector at all
     */
    static Table table(XaaConfig cfg, ConnectorStatus status, boolean connector, boolean signedIn,
                       Set<String> hadAccess, Predicate<String> signingIn) {
        List<ServerRow> rows = new ArrayList<>();
        Optional<Problem> problem = Optional.empty();
        for (var e : cfg.servers().entrySet()) {
            Built built = build(e.getKey(), e.getValue(), status == null ? null : status.servers().get(e.getKey()),
                    signedIn, hadAccess.contains(e.getKey()), signingIn.test(e.getKey()));
            rows.add(built.row());
            problem = problem.or(built::problem);
        }
        boolean ownWorking = rows.stream().anyMatch(r -> r.state() == ServerState.READY && own(r.flow()));
        // without an IdP only servers with their own sign-in (or none) can work
        boolean companyNeeded = cfg.idp() == null && rows.stream()
                .anyMatch(r -> connector ? r.flow() == AuthMode.EMA : !own(r.flow()));
        TrayState tray = rows.stream().anyMatch(ServerRow::needsAttention) ? TrayState.ATTENTION
                : signedIn || ownWorking ? TrayState.SIGNED_IN : TrayState.SIGNED_OUT;
        return new Table(List.copyOf(rows), problem, companyNeeded, tray);
    }

    private static boolean own(AuthMode flow) {
        return flow == AuthMode.OAUTH || flow == AuthMode.NONE;
    }

    /**
     * The flow in use: the connector's decision ({@link ServerStatus#flow()}) once made, else the configured one
     * ({@link ServerEntry#auth()}), else {@link AuthMode#AUTO} (undecided). A configuration word the connector does
     * not know reads as undecided here; the connector reports it.
     */
    static AuthMode flow(ServerEntry entry, ServerStatus status) {
        if (status != null && status.flow() != AuthMode.AUTO) {
            return status.flow();
        }
        try {
            return entry.authMode();
        } catch (IllegalArgumentException e) {
            return AuthMode.AUTO;
        }
    }

    /**
     * Whether the server's tokens do not depend on the company sign-in: its flow is plain OAuth or none, or it
     * asked for its own sign-in.
     */
    static boolean ownSignIn(AuthMode flow, ServerStatus status) {
        return own(flow) || status != null && PlainLanguage.serverSignIn(status.lastErrorKind());
    }

    /**
     * @param status       the connector's status of this server, or null (none yet / no connector)
     * @param signedIn     whether the company sign-in (IdP session) is there
     * @param hadAccess    whether this server had a token in this run (a denial then reads "revoked")
     * @param signingIn    whether a "Sign in to SERVER" of this server is running
     */
    static Built build(String name, ServerEntry entry, ServerStatus status, boolean signedIn, boolean hadAccess,
                       boolean signingIn) {
        AuthMode flow = flow(entry, status);
        boolean own = ownSignIn(flow, status);
        ServerState state = status == null ? ServerState.IDLE : status.state();
        Optional<ConnectorException.Kind> kind = status == null ? Optional.empty() : status.lastErrorKind();
        Optional<java.time.Instant> expiresAt = status == null ? Optional.empty() : status.expiresAt();
        if (!signedIn && !own && state != ServerState.READY) {
            state = ServerState.IDLE; // the company sign-in is gone: nothing to say per server
        }
        ServerAction action = action(flow, state, kind, expiresAt.isPresent(), signingIn);
        boolean shown = signedIn || own;
        Optional<Problem> problem = shown ? PlainLanguage.serverProblem(name, state, kind, hadAccess) : Optional.empty();
        String stateText = action == ServerAction.SIGNING_IN ? "Signing in: finish in your browser"
                : !shown ? "Signed out"
                : action == ServerAction.SIGN_IN && state == ServerState.IDLE ? "Not signed in"
                : PlainLanguage.state(state, kind, hadAccess);
        ServerRow row = new ServerRow(name, entry.url(), state, stateText,
                status == null ? Set.of() : new TreeSet<>(status.scopes()), expiresAt,
                problem.map(Problem::text).orElse(""), flow, PlainLanguage.flow(flow), action);
        return new Built(row, problem);
    }

    /**
     * "Sign in to SERVER" for a server that asked for its own sign-in, or a plain-OAuth server without a token;
     * "Sign out of SERVER" for any other plain-OAuth server; nothing for company sign-in and unprotected servers.
     */
    static ServerAction action(AuthMode flow, ServerState state, Optional<ConnectorException.Kind> kind,
                               boolean hasToken, boolean signingIn) {
        if (signingIn) {
            return ServerAction.SIGNING_IN;
        }
        boolean asked = state == ServerState.SIGN_IN_REQUIRED && PlainLanguage.serverSignIn(kind);
        boolean noToken = flow == AuthMode.OAUTH && !hasToken
                && (state == ServerState.IDLE || state == ServerState.SIGN_IN_REQUIRED);
        if (asked || noToken) {
            return ServerAction.SIGN_IN;
        }
        return flow == AuthMode.OAUTH ? ServerAction.SIGN_OUT : ServerAction.NONE;
    }
}
