package dev.xaa4j.sample.idp;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Redirect URI matching: exact string comparison with a registered URI (RFC 9700 §2.1, RFC 6749 §3.1.2.3),
 * except that for loopback redirects ({@code http} to {@code 127.0.0.1}, {@code [::1]} or {@code localhost})
 * any port is accepted, because a native app binds an ephemeral port at request time (RFC 8252 §7.3).
 */
public final class RedirectUris {

    private RedirectUris() {
    }

    /** Whether {@code requested} matches one of {@code registered}. */
    public static boolean isRegistered(List<String> registered, String requested) {
        if (requested == null) {
            return false;
        }
        for (String r : registered) {
            if (r.equals(requested) || loopbackMatch(r, requested)) {
                return true;
            }
        }
        return false;
    }

    private static boolean loopbackMatch(String registered, String requested) {
        URI reg;
        URI req;
        try {
            reg = new URI(registered);
            req = new URI(requested);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        return "http".equals(req.getScheme()) && "http".equals(reg.getScheme())
                && isLoopbackHost(reg.getHost()) && Objects.equals(reg.getHost(), req.getHost())
                && req.getRawUserInfo() == null && req.getRawFragment() == null
                && Objects.equals(reg.getRawPath(), req.getRawPath())
                && Objects.equals(reg.getRawQuery(), req.getRawQuery());
    }

    private static boolean isLoopbackHost(String host) {
        return "127.0.0.1".equals(host) || "[::1]".equals(host) || "localhost".equals(host);
    }
}
