package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.connector.ConnectorException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * The exit codes of {@code xaa}: the one table that {@code xaa --help} prints and every command (and
 * {@code xaa doctor}) exits with. Immutable; thread-safe.
 */
enum ExitCode {
    OK(0, "ok"),
    FAILURE(1, "other failure"),
    USAGE(2, "usage error (unknown option, unknown server, bad URL)"),
    /** Also "not set up yet": without an IdP there is nobody to sign in to. */
    SIGN_IN_REQUIRED(3, "sign-in required: run `xaa login` or sign in with the tray app "
            + "(not set up yet: `xaa idp ISSUER --client-id ID` first)"),
    ACCESS_DENIED(4, "access denied or revoked by the IdP or the MCP server"),
    UNAVAILABLE(5, "IdP, authorization server or MCP server unavailable");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    int code() {
        return code;
    }

    /** The table as picocli's {@code exitCodeList}: code (as text) → meaning, in code order. */
    static Map<String, String> table() {
        Map<String, String> t = new LinkedHashMap<>();
        for (ExitCode c : values()) {
            t.put(Integer.toString(c.code), c.meaning);
        }
        return t;
    }

    /** The row for {@code code}; codes outside the table are {@link #FAILURE}. */
    static ExitCode of(int code) {
        for (ExitCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return FAILURE;
    }

    /**
     * The row of the bridge's reason: the one mapping from {@link BridgeException.Reason} (and so from a connector
     * failure's kind, {@link BridgeException.Reason#of(ConnectorException.Kind)}) to an exit code.
     */
    static ExitCode of(BridgeException.Reason reason) {
        return switch (reason) {
            case SIGN_IN_REQUIRED, SERVER_SIGN_IN_REQUIRED, NOT_SET_UP -> SIGN_IN_REQUIRED;
            case ACCESS_DENIED, SERVER_NOT_ENABLED -> ACCESS_DENIED;
            case UPSTREAM_UNAVAILABLE -> UNAVAILABLE;
            case CONFIGURATION, INTERNAL -> FAILURE;
        };
    }

    /** The row of a connector failure of {@code kind}, as the bridge classifies it. */
    static ExitCode of(ConnectorException.Kind kind) {
        return of(BridgeException.Reason.of(kind));
    }

    /**
     * The row a failure belongs to: a usage error, else the exit code of the failure's kind as the bridge maps
     * it ({@link BridgeException#of}), so the CLI and the bridge never classify a failure differently.
     */
    static ExitCode of(Throwable t) {
        if (t instanceof IllegalArgumentException || t instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return of(BridgeException.of(t).reason());
    }
}
