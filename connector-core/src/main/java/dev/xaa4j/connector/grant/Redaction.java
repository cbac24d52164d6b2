package dev.xaa4j.connector.grant;

import java.util.regex.Pattern;

/**
 * Scrubs anything that looks like a token from text that may be logged or shown (PROTOCOL.md §3.1: never log
 * ID tokens, ID-JAGs, access/refresh tokens or secrets; redact {@code assertion}, {@code subject_token},
 * {@code client_secret}, {@code *_token} in error bodies).
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

    public static String scrub(String text) {
        if (text == null) {
            return null;
        }
        String s = JWT.matcher(text).replaceAll("<redacted-jwt>");
        s = SENSITIVE_PARAM.matcher(s).replaceAll("$1<redacted>");
        return LONG_OPAQUE.matcher(s).replaceAll("<redacted>");
    }
}
