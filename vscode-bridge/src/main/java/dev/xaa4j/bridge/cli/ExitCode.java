package dev.xaa4j.bridge.cli;

import dev.xaa4j.bridge.BridgeException;
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
     * The row a failure belongs to: a usage error, else the exit code of the failure's kind as the bridge maps
     * it ({@link BridgeException#of}), so the CLI and the bridge never classify a failure differently.
     */
    static ExitCode of(Throwable t) {
        if (t instanceof IllegalArgumentException || t instanceof CommandLine.ParameterException) {
            return USAGE;
        }
        return of(BridgeException.of(t).reason().exitCode());
    }
}
