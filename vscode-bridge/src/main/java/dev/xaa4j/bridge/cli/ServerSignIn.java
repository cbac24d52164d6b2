package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.host.SharedTokenSource;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.config.XaaConfig;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code xaa login SERVER} and {@code xaa logout SERVER}: the per-server sign-in of a plain-OAuth server (MCP
 * authorization 2025-11-25: authorization code + PKCE in the browser) and the end of its grant (RFC 7009), where the
 * grants live ({@link SharedTokenSource#signIn(String)}: the running agent or tray, else this process). Also the
 * words {@code xaa status} and {@code xaa doctor} use for a server's flow. Stateless.
 */
final class ServerSignIn {

    private ServerSignIn() {
    }

    /** How {@code xaa status} names a flow: enterprise, per-server sign-in, none, not decided yet. */
    static String describe(AuthMode flow) {
        return switch (flow) {
            case EMA -> "enterprise";
            case OAUTH -> "per-server sign-in";
            case NONE -> "none";
            case CLIENT_CREDENTIALS -> "client credentials (no person)";
            case WORKLOAD -> "workload identity (no person)";
            case AUTO -> "not decided yet";
        };
    }

    /** Whether {@code st} is a server that needs {@code xaa login SERVER} before it has a token. */
    static boolean needsSignIn(ServerStatus st) {
        return st.lastErrorKind().filter(k -> k == ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED).isPresent();
    }

    /** The status line's hint for a server without a grant. */
    static String signInHint(String server) {
        return "sign in: xaa login " + server;
    }

    /**
     * Runs the per-server sign-in of {@code server} and prints what happened: for an EMA server it is the IdP
     * sign-in, for a server that takes no token "needs no sign-in".
     */
    static int login(XaaConfig config, String server, long timeoutSeconds, PrintWriter out) throws Exception {
        SessionCommands.requireServer(config, server);
        if (config.server(server).map(e -> e.authMode() == AuthMode.NONE).orElse(false)) {
            out.println("'" + server + "' needs no sign-in (auth none: its requests go without a token)");
            return XaaCommand.OK;
        }
        try (SharedTokenSource session = SessionCommands.tokenSource(config, Optional.of(server), null)) {
            Optional<BrokerClient> owner = session.broker();
            owner.ifPresent(b -> out.println("signing in to '" + server + "' through the running xaa agent or tray (pid "
                    + b.brokerPid() + "): finish in the browser it opened"));
            out.flush();
            ServerStatus st = session.signIn(server).get(timeoutSeconds, TimeUnit.SECONDS);
            out.println(switch (st.flow()) {
                case NONE -> "'" + server + "' needs no sign-in (it takes no token)";
                case EMA -> "'" + server + "' uses the enterprise sign-in: you are signed in at the IdP" + until(st);
                case CLIENT_CREDENTIALS, WORKLOAD -> "'" + server + "' needs no sign-in: it gets its tokens by a headless "
                        + "grant, " + describe(st.flow()) + " (`xaa doctor " + server + "` shows it)";
                default -> "signed in to '" + server + "'" + until(st)
                        + "; bridges and the tray use its token from now on";
            });
            return XaaCommand.OK;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new BridgeException(Reason.SERVER_SIGN_IN_REQUIRED, "sign-in to '" + server + "' did not finish within "
                    + timeoutSeconds + " s: run `xaa login " + server + "` again");
        }
    }

    private static String until(ServerStatus st) {
        return st.expiresAt().map(t -> " (token until " + t + ")").orElse("");
    }

    /** Ends {@code server}'s grant (revocation at its authorization server when offered) and prints where it stands. */
    static int logout(XaaConfig config, String server, PrintWriter out) {
        SessionCommands.requireServer(config, server);
        try (SharedTokenSource session = SessionCommands.tokenSource(config, Optional.of(server), null)) {
            ServerStatus st = session.signOut(server);
            out.println(switch (st.flow()) {
                case EMA -> "forgot the access token of '" + server + "'; it uses the enterprise sign-in: `xaa logout` ends that";
                case NONE -> "'" + server + "' takes no token: nothing to sign out of";
                case CLIENT_CREDENTIALS, WORKLOAD -> "forgot the access token of '" + server + "'; it needs no sign-in "
                        + "(" + describe(st.flow()) + ")";
                default -> "signed out of '" + server + "'" + st.lastError().map(e -> " (warning: " + e + ")").orElse("")
                        + "; `xaa login " + server + "` signs in again";
            });
            return XaaCommand.OK;
        }
    }

    /** {@code xaa token SERVER} for a server that takes no token: a clear failure instead of a header. */
    static BridgeException noToken(String server, String why) {
        return new BridgeException(Reason.CONFIGURATION, "'" + server + "' takes no access token (" + why
                + "): call it without an Authorization header; `xaa doctor " + server + "` shows why");
    }
}
