package dev.xaa4j.desktop;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.SignOutResult;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What the window says, for people who do not know OAuth: one label per server state, and for every failure
 * what happened plus the next step. No token values reach this class (events and exceptions carry none).
 */
public final class PlainLanguage {

    /** Where the session lives, for the window's "Session kept" line. */
    static String storage(dev.xaa4j.connector.host.config.SessionStorage storage) {
        return storage == dev.xaa4j.connector.host.config.SessionStorage.MEMORY
                ? "only in this app's memory: it ends when you quit the app (nothing in the keyring or on disk)"
                : "in your system keyring";
    }

    /** A failure as a person reads it: what happened, and what to do next. */
    public record Problem(String what, String next) {
        public String text() {
            return what + " " + next;
        }
    }

    private PlainLanguage() {
    }

    /**
     * The configuration could not be read or applied: the organization's policy (which the person cannot fix; the
     * message names its place and fault) or the person's own file.
     */
    public static Problem configuration(java.nio.file.Path userFile, RuntimeException e) {
        return e instanceof dev.xaa4j.connector.host.config.MalformedPolicyException
                ? new Problem("Your organization's settings cannot be used: " + e.getMessage() + ".",
                        "Send this message to your IT department; the app picks up the fixed settings by itself.")
                : new Problem("Cannot read the configuration " + userFile + ": " + e.getMessage(),
                        "Fix or delete the file, then restart the app.");
    }

    /** Sign-out done here, but the IdP could not end the session (its reason never holds a token). */
    public static Problem signOutWarning(SignOutResult r) {
        return new Problem("Signed out on this machine; your company's sign-in service could not be reached: "
                + r.problem().orElse("no answer") + ".",
                "Your session there stays valid until it expires. Sign out at your company's sign-in portal to end it now.");
    }

    /**
     * The flow column: how a server gets its tokens (docs/architecture.md "Choosing the flow"); empty while the
     * connector has not decided ({@link AuthMode#AUTO}).
     */
    public static String flow(AuthMode flow) {
        return switch (flow) {
            case AUTO -> "";
            case EMA -> "Company sign-in";
            case OAUTH -> "Signs in separately";
            case NONE -> "No sign-in needed";
            case CLIENT_CREDENTIALS, WORKLOAD -> "Signs in as this machine";
        };
    }

    /** The choices of "Add server" (stored as the server's {@code auth}). */
    public static String authChoice(AuthMode mode) {
        return switch (mode) {
            case AUTO -> "Automatic";
            case EMA -> "Company sign-in";
            case OAUTH -> "Sign in separately";
            case NONE -> "None";
            case CLIENT_CREDENTIALS -> "As this machine (client credentials)";
            case WORKLOAD -> "As this workload (workload identity)";
        };
    }

    /** The label of a server row's sign-in button; empty for {@link DesktopModel.ServerAction#NONE}. */
    public static String serverAction(DesktopModel.ServerAction action, String server) {
        return switch (action) {
            case NONE -> "";
            case SIGN_IN -> "Sign in to " + server;
            case SIGNING_IN -> "Signing in to " + server + "…";
            case SIGN_OUT -> "Sign out of " + server;
        };
    }

    /** An AI tool asked for {@code server} and nobody can give it a token yet: its own sign-in, or the company's. */
    static Problem toolNeedsSignIn(String server, boolean ownSignIn) {
        return ownSignIn ? new Problem("An AI tool wants to use \"" + server + "\", which needs you to sign in to it.",
                "Choose Sign in to " + server + ".")
                : new Problem("An AI tool wants to use \"" + server + "\", but you are not signed in.", "Choose Sign in.");
    }

    /** The feedback of a server added with {@code auth}: where it signs in ({@code metadata} empty: it takes none). */
    static String added(String name, Optional<dev.xaa4j.connector.internal.discovery.ServerMetadata> metadata, AuthMode auth) {
        return "Added \"" + name + "\": " + metadata.map(md -> (auth == AuthMode.OAUTH ? "signs in separately through "
                : "signs in through ") + md.asIssuer() + (md.scopesSupported().isEmpty() ? ""
                : ", offers " + String.join(" ", md.scopesSupported()))).orElse("no sign-in needed");
    }

    /** Nothing to show yet: no IdP known ({@code idpKnown} false), else no server. */
    static Problem notConfigured(boolean idpKnown) {
        return idpKnown ? new Problem("No MCP servers are set up yet.", "Add one below with the address your IT administrator gave you.")
                : new Problem("This app does not know your company's sign-in service yet.",
                        "Ask your IT administrator for the set-up, or run `xaa idp ISSUER --client-id ID`.");
    }

    /** The host (and port) of a URL, for "cannot reach" messages; the text itself when it is no URL. */
    static String hostOf(String url) {
        try {
            java.net.URI u = java.net.URI.create(url);
            return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    /** A server that uses its own sign-in (plain MCP OAuth) and has no grant yet. */
    static Problem serverSignInNeeded(String server) {
        return new Problem("\"" + server + "\" needs you to sign in to it.", "Choose Sign in to " + server + ".");
    }

    /**
     * A failed "Sign in to SERVER": metadata that must not be trusted (resource or issuer mismatch) is the server's
     * problem, not this app's set-up; an unreachable host is the server's or its authorization server's.
     */
    static Problem serverSignInFailure(Throwable error, String server, String serverHost) {
        Throwable e = unwrap(error);
        if (e instanceof ConnectorException c && c.kind() == ConnectorException.Kind.CONFIGURATION && !unreachable(c)) {
            return new Problem("\"" + server + "\" cannot be signed in to safely: " + c.getMessage(),
                    "Check the server's address with whoever gave it to you.");
        }
        if (unreachable(e)) {
            return new Problem("Cannot reach \"" + server + "\" or its sign-in service (" + serverHost + ").",
                    "Check your network or VPN connection, then try again.");
        }
        return failure(error, serverHost);
    }

    /** The state column. {@code lastErrorKind} tells "not enabled" from "revoked" or "no access" for a denial. */
    public static String state(ServerState state, Optional<ConnectorException.Kind> lastErrorKind, boolean hadAccess) {
        return switch (state) {
            case IDLE -> "Not used yet";
            case READY -> "Working";
            case DEGRADED -> "Working, renewal delayed";
            case DENIED -> notEnabled(lastErrorKind) ? "Not enabled for you" : hadAccess ? "Access revoked" : "No access";
            case SIGN_IN_REQUIRED -> serverSignIn(lastErrorKind) ? "Needs its own sign-in" : "Sign-in needed";
            case FAILED -> "Not reachable";
        };
    }

    /** The next step for a server row in a state that needs one. */
    public static Optional<Problem> serverProblem(String server, ServerState state,
                                                  Optional<ConnectorException.Kind> lastErrorKind, boolean hadAccess) {
        return switch (state) {
            case DENIED -> Optional.of(notEnabled(lastErrorKind)
                    ? new Problem("Your administrator has not enabled \"" + server + "\" for you.",
                            "Ask your IT administrator to enable it, or remove the server.")
                    : hadAccess
                    ? new Problem("Your access to \"" + server + "\" was revoked.",
                            "Ask your IT administrator if you still need it; your AI tools cannot use it until then.")
                    : new Problem("You do not have access to \"" + server + "\".",
                            "Ask your IT administrator for access."));
            case SIGN_IN_REQUIRED -> Optional.of(serverSignIn(lastErrorKind) ? serverSignInNeeded(server)
                    : new Problem("Your sign-in has ended.", "Choose Sign in to continue."));
            case FAILED -> Optional.of(new Problem("\"" + server + "\" or its sign-in service cannot be reached right now.",
                    "Check your network or VPN; it is retried automatically."));
            default -> Optional.empty();
        };
    }

    /** A failed action (sign-in) as a person reads it. */
    public static Problem failure(Throwable error, String idpHost) {
        return failure(error, idpHost, false);
    }

    /** A failed "add server" as a person reads it: a configuration problem is then the address's. */
    public static Problem addServerFailure(Throwable error, String idpHost) {
        return failure(error, idpHost, true);
    }

    private static Problem failure(Throwable error, String idpHost, boolean addingServer) {
        Throwable e = unwrap(error);
        if (e instanceof CancellationException) {
            return new Problem("Sign-in was cancelled.", "Choose Sign in when you are ready.");
        }
        if (e instanceof ConnectorException c) {
            return failure(c, idpHost, addingServer);
        }
        if (unreachable(e)) {
            return unreachable(idpHost);
        }
        if (e instanceof IllegalArgumentException) {
            return new Problem(e.getMessage() + ".", "Check what you typed and try again.");
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new Problem("Something went wrong: " + msg, "Try again; if it keeps happening, ask your IT administrator.");
    }

    /** The wording of each kind of connector failure: the one mapping from {@link ConnectorException.Kind}. */
    static Problem failure(ConnectorException e, String idpHost, boolean addingServer) {
        String server = e.server().orElse("this server");
        boolean offline = unreachable(e); // e.g. a sign-in whose code could not be redeemed for lack of a network
        return switch (e.kind()) {
            case SERVER_NOT_ENABLED -> new Problem("Your administrator has not enabled \"" + server + "\" for you.",
                    "Ask your IT administrator to enable it.");
            case ACCESS_DENIED -> new Problem("Access to \"" + server + "\" was refused or revoked.",
                    "Ask your IT administrator if you need it.");
            case SIGN_IN_REQUIRED -> new Problem("You are not signed in.", "Choose Sign in.");
            case SERVER_SIGN_IN_REQUIRED -> serverSignInNeeded(server);
            case NOT_PROTECTED -> new Problem("\"" + server + "\" needs no sign-in.", "Nothing to do.");
            case UPSTREAM_UNAVAILABLE -> unreachable(idpHost);
            case SIGN_IN_FAILED -> offline ? unreachable(idpHost) : new Problem(e.getMessage(), "Choose Sign in to try again.");
            case CONFIGURATION, SUBJECT_TOKEN_REJECTED -> offline ? unreachable(idpHost) : addingServer
                    ? new Problem("This address does not look like an MCP server this app can sign in to.",
                            "Check the address with whoever gave it to you. Details: " + e.getMessage())
                    : new Problem("This app is not set up correctly: " + e.getMessage(),
                            "Ask your IT administrator to check the configuration.");
            case CREDENTIAL_STORE -> new Problem("Your system keyring is locked or not responding: " + e.getMessage(),
                    "Unlock it, then try again.");
            case KEYRING_UNAVAILABLE -> new Problem("This computer has no system keyring to keep your sign-in in: "
                    + e.getMessage(), "Ask your IT administrator to set one up.");
        };
    }

    private static Problem unreachable(String idpHost) {
        return new Problem("Cannot reach your sign-in service" + (idpHost == null ? "" : " (" + idpHost + ")") + ".",
                "Check your network or VPN connection, then try again.");
    }

    /** "4 min 05 s", "59 s", "expired". */
    public static String countdown(Duration left) {
        if (left.isNegative() || left.isZero()) {
            return "expired";
        }
        long s = left.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    static boolean serverSignIn(Optional<ConnectorException.Kind> lastErrorKind) {
        return lastErrorKind.filter(k -> k == ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED).isPresent();
    }

    static boolean notEnabled(Optional<ConnectorException.Kind> lastErrorKind) {
        return lastErrorKind.filter(k -> k == ConnectorException.Kind.SERVER_NOT_ENABLED).isPresent();
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectorException c && c.kind() == ConnectorException.Kind.UPSTREAM_UNAVAILABLE
                    || t instanceof ConnectException || t instanceof HttpTimeoutException
                    || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
