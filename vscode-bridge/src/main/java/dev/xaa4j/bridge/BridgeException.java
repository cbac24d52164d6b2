package dev.xaa4j.bridge;

import dev.xaa4j.connector.ConnectorException;

import dev.xaa4j.connector.ConnectorException;
/**
 * A failure the person at the keyboard (or the AI client showing our error) can act on. The {@link Reason}
 * picks both the JSON-RPC error code the bridge answers with and the exit code of the {@code xaa} command.
 * Messages say what to do next and never contain a token.
 */
public final class BridgeException extends RuntimeException {

    /**
     * What went wrong, from the user's point of view. JSON-RPC codes are in the implementation-defined
     * server-error range (-32000..-32099) and avoid the codes the MCP SDKs use for themselves
     * (-32000 connection closed, -32001 request timeout, -32002 resource not found, -32042 URL elicitation).
     * A connector failure's reason is {@link #of(ConnectorException.Kind)}; the {@code xaa} exit code of a reason
     * is {@code cli.ExitCode.of(Reason)}.
     */
    public enum Reason {
        /** No usable IdP session: sign in with the tray app or {@code xaa login}. */
        SIGN_IN_REQUIRED(-32010, "sign_in_required"),
        /**
         * The server uses its own sign-in (plain MCP OAuth) and the user has not signed in to it: "Sign in to SERVER"
         * in the tray or {@code xaa login SERVER}; the bridge sends {@code notifications/tools/list_changed} once the
         * token exists. Never opens a browser itself.
         */
        SERVER_SIGN_IN_REQUIRED(-32016, "server_sign_in_required"),
        /** The IdP or the MCP server refused this user (revoked, never granted, missing scope). */
        ACCESS_DENIED(-32011, "access_denied"),
        /** The administrator has not enabled this MCP server for enterprise-managed access. */
        SERVER_NOT_ENABLED(-32013, "server_not_enabled"),
        /** The MCP server, the IdP or the AS cannot be reached or failed (5xx, timeout, non-JSON body). */
        UPSTREAM_UNAVAILABLE(-32012, "upstream_unavailable"),
        /**
         * No IdP is configured yet ({@code xaa idp} first). Retrying never clears it: the bridge answers at once
         * and tries again only when asked (a request, a session change).
         */
        NOT_SET_UP(-32014, "not_set_up"),
        /**
         * A set-up mistake on this machine: no OS keyring at all (in keyring mode), a proxy variable that is not a
         * usable proxy URL, an unusable CA bundle, an unknown server name, a config file that does not load, arguments the bridge does not accept.
         * Retrying never clears it; the message says what to fix.
         */
        CONFIGURATION(-32015, "configuration"),
        /**
         * The upstream broke the MCP/HTTP contract, the bridge itself failed, a browser sign-in did not complete,
         * or the keyring is locked: trying again can succeed.
         */
        INTERNAL(-32603, "internal_error");

        private final int jsonRpcCode;
        private final String wireName;

        Reason(int jsonRpcCode, String wireName) {
            this.jsonRpcCode = jsonRpcCode;
            this.wireName = wireName;
        }

        /**
         * The reason for a connector failure of {@code kind}: the one mapping from the connector's kinds to the
         * bridge's JSON-RPC error codes (and, through {@code cli.ExitCode}, to the exit codes of {@code xaa}).
         */
        public static Reason of(ConnectorException.Kind kind) {
            return switch (kind) {
                case SIGN_IN_REQUIRED -> SIGN_IN_REQUIRED;
                case SERVER_SIGN_IN_REQUIRED -> SERVER_SIGN_IN_REQUIRED;
                case NOT_PROTECTED -> CONFIGURATION; // the bridge sends such a server's requests without a token
                case ACCESS_DENIED -> ACCESS_DENIED;
                case SERVER_NOT_ENABLED -> SERVER_NOT_ENABLED;
                case UPSTREAM_UNAVAILABLE -> UPSTREAM_UNAVAILABLE;
                case CONFIGURATION, SUBJECT_TOKEN_REJECTED, KEYRING_UNAVAILABLE -> CONFIGURATION;
                case SIGN_IN_FAILED, CREDENTIAL_STORE -> INTERNAL; // the person tries again; a locked keyring can clear
            };
        }

        public int jsonRpcCode() {
            return jsonRpcCode;
        }

        /** The value of {@code error.data.reason} in the bridge's JSON-RPC errors. */
        public String wireName() {
            return wireName;
        }
    }

    /**
     * What a machine without an OS keyring can do instead: the next step after a
     * {@link ConnectorException.Kind#KEYRING_UNAVAILABLE}, for the CLI and the bridge alike.
     */
    public static final String NO_KEYRING = "Without an OS keyring, keep the session in memory: start `xaa agent --memory` "
            + "(client secrets in its environment), then `xaa login`; `xaa config session-storage memory` makes that the default";

    /** The message a client shows when no IdP session exists. */
    public static final String SIGN_IN_MESSAGE = "Not signed in: sign in with the tray app or run `xaa login`";

    private final Reason reason;

    public BridgeException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BridgeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public static BridgeException signInRequired() {
        return new BridgeException(Reason.SIGN_IN_REQUIRED, SIGN_IN_MESSAGE);
    }

    /**
     * A connector failure as the bridge's reason for its kind ({@link Reason#of(ConnectorException.Kind)}); a
     * {@link BridgeException} is returned as it is; anything else is {@link Reason#INTERNAL}.
     */
    public static BridgeException of(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof BridgeException b) {
            return b;
        }
        if (!(t instanceof ConnectorException c)) {
            return new BridgeException(Reason.INTERNAL, "xaa bridge internal error: " + t, t);
        }
        String message = switch (c.kind()) {
            case SIGN_IN_REQUIRED -> SIGN_IN_MESSAGE;
            case SERVER_SIGN_IN_REQUIRED -> c.server().map(s -> serverSignInMessage(s) + stepUpScopes(c.getMessage()))
                    .orElse(c.getMessage());
            case KEYRING_UNAVAILABLE -> withNoKeyringHint(c.getMessage()); // retrying never clears it
            default -> c.getMessage();
        };
        return new BridgeException(Reason.of(c.kind()), message, c);
    }

    /**
     * What a client shows for a plain-OAuth server without a grant ({@link Reason#SERVER_SIGN_IN_REQUIRED}): the
     * per-server sign-in a person runs, in the tray or a terminal (a bridge never opens a browser).
     */
    /** " (to grant the scopes …)" when the engine needs a new sign-in for a step-up (RFC 6750 §3.1), else "". */
    private static String stepUpScopes(String engineMessage) {
        java.util.regex.Matcher m = STEP_UP.matcher(engineMessage == null ? "" : engineMessage);
        return m.find() ? " (to grant the scopes " + m.group(1) + " this call needs)" : "";
    }

    private static final java.util.regex.Pattern STEP_UP = java.util.regex.Pattern.compile("grant the scopes (.+?):(?: |$)");

    public static String serverSignInMessage(String server) {
        return "Sign in to " + server + ": choose 'Sign in to " + server + "' in the xaa tray, or run `xaa login "
                + server + "` in a terminal";
    }

    /** {@code message} followed by {@link #NO_KEYRING} (once). */
    public static String withNoKeyringHint(String message) {
        if (message.contains(NO_KEYRING)) {
            return message;
        }
        return message + (message.endsWith(".") ? " " : ". ") + NO_KEYRING;
    }

    /** Whether retrying the same thing later can succeed without anyone acting (a network or server fault). */
    public boolean retryable() {
        return reason == Reason.UPSTREAM_UNAVAILABLE || reason == Reason.INTERNAL;
    }

    public Reason reason() {
        return reason;
    }
}
