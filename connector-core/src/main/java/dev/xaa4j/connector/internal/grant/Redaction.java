package dev.xaa4j.connector.internal.grant;

import java.util.regex.Pattern;

/**
 * Scrubs anything that looks like a token from text that may be logged or shown: ID tokens, ID-JAGs,
 * access/refresh tokens and secrets are never logged; {@code assertion}, {@code subject_token},
 * {@code client_secret} and {@code *_token} values in error bodies are redacted; and {@link #echo} bounds what a
 * server sent before it goes into a message.
 */
public final class Redaction {
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_.-]*");
    private static final Pattern SENSITIVE_PARAM = Pattern.compile(
            "(?i)((?:assertion|client_assertion|subject_token|actor_token|client_secret|[a-z_]*_token|code|password)"
                    + "\\s*[=:]\\s*\"?)([^&\\s\",}]+)");
    /** 40+ token characters with at least one digit: random values, not hyphenated words or URL paths. */
    private static final Pattern LONG_OPAQUE = Pattern.compile("(?=[A-Za-z0-9_\\-+=]*\\d)[A-Za-z0-9_\\-+=]{40,}");

    private Redaction() {
    }

    /** The most characters of a server-sent value that {@link #echo} keeps. */
    public static final int MAX_ECHO = 200;

    /**
     * A value another party sent (an {@code error_description}, a token type, an issuer), made safe to put into a
     * message for a person: scrubbed as {@link #scrub}, control characters replaced by spaces, and cut to
     * {@link #MAX_ECHO} characters with "… (N more characters)" so a hostile or broken server cannot flood a
     * terminal, a log or a JSON-RPC error. Null stays null. Thread-safe.
     */
    public static String echo(String value) {
        if (value == null) {
            return null;
        }
        String s = scrub(value).replaceAll("\\p{Cntrl}", " ");
        if (s.length() <= MAX_ECHO) {
            return s;
        }
        int cut = Character.isHighSurrogate(s.charAt(MAX_ECHO - 1)) ? MAX_ECHO - 1 : MAX_ECHO;
        return s.substring(0, cut) + "… (" + (s.length() - cut) + " more characters)";
    }

    /** Replaces what looks like a token or secret with {@code <redacted…>}; null stays null. Thread-safe. */
    public static String scrub(String text) {
        if (text == null) {
            return null;
        }
        String s = JWT.matcher(text).replaceAll("<redacted-jwt>");
        s = SENSITIVE_PARAM.matcher(s).replaceAll("$1<redacted>");
        return LONG_OPAQUE.matcher(s).replaceAll("<redacted>");
    }
}
