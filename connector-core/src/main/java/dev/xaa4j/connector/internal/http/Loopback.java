package dev.xaa4j.connector.internal.http;

import java.util.Locale;

/**
 * The one loopback policy (RFC 8252 §8.3, RFC 6761 §6.3): {@code localhost}, {@code 127.0.0.0/8} and {@code ::1}
 * (bracketed or not). Loopback may use plain http (discovery) and never goes through a proxy. Decided on the
 * host name alone, without a DNS lookup.
 */
public final class Loopback {

    private Loopback() {
    }

    /** Whether {@code host} (a URI host, any case, IPv6 bracketed or not) names the loopback interface. */
    public static boolean isLoopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
