package dev.xaa4j.sample.as;

import com.nimbusds.oauth2.sdk.ErrorObject;
import java.util.Objects;

/**
 * A token request the AS refuses: the RFC 6749 §5.2 error code and a description a person can act on.
 * The description never contains token bytes or secrets.
 */
final class GrantRejected extends Exception {

    private static final int MAX_DESCRIPTION = 400;

    private final ErrorObject error;

    GrantRejected(ErrorObject error, String description) {
        super(rfc6749Safe(description), null, false, false);
        this.error = Objects.requireNonNull(error, "error");
    }

    /**
     * RFC 6749 §5.2 allows only %x20-21 / %x23-5B / %x5D-7E in {@code error_description}. Descriptions echo
     * client-supplied values (issuer, resource, scope), so they are also cut short.
     */
    private static String rfc6749Safe(String s) {
        String cut = s.length() > MAX_DESCRIPTION ? s.substring(0, MAX_DESCRIPTION) + "..." : s;
        StringBuilder b = new StringBuilder(cut.length());
        for (char c : cut.toCharArray()) {
            b.append(c == '"' ? '\'' : c == '\\' ? '/' : (c < 0x20 || c > 0x7e) ? '?' : c);
        }
        return b.toString();
    }

    ErrorObject error() {
        return error;
    }
}
