package dev.xaa4j.connector.internal.signin;

import com.sun.net.httpserver.HttpServer;
import dev.xaa4j.connector.ConnectorException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback sockets of a native app's redirect URI (RFC 8252 §7.3): 127.0.0.1 on an ephemeral port, and
 * for a {@code localhost} redirect URI also {@code ::1} on the same port, because a browser may resolve
 * {@code localhost} to either (RFC 8252 §8.3 notes the ambiguity). Listeners are created, not started.
 */
final class LoopbackListeners {

    private static final Logger LOG = LoggerFactory.getLogger(LoopbackListeners.class);
    /** Another process may hold the port on ::1 by chance: try a few fresh ports. */
    private static final int ATTEMPTS = 5;

    private LoopbackListeners() {
    }

    /**
     * @param alsoIpv6 whether to bind {@code ::1} too (the redirect URI names {@code localhost})
     * @return the 127.0.0.1 listener first, then the {@code ::1} one when bound
     * @throws ConnectorException when no port on 127.0.0.1 can be opened
     */
    static List<HttpServer> bind(boolean alsoIpv6) {
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            HttpServer v4 = create("127.0.0.1", 0);
            if (!alsoIpv6) {
                return List.of(v4);
            }
            try {
                return List.of(v4, HttpServer.create(new InetSocketAddress(InetAddress.getByName("::1"),
                        v4.getAddress().getPort()), 4));
            } catch (IOException e) {
                last = e; // port taken on ::1, or no IPv6 loopback at all
                v4.stop(0);
            }
        }
        LOG.info("Cannot listen on [::1] for the sign-in result ({}); a browser that resolves localhost to ::1 will "
                + "not reach it. Use the redirect host 127.0.0.1 if your identity provider accepts it.", last.toString());
        return List.of(create("127.0.0.1", 0));
    }

    private static HttpServer create(String address, int port) {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), port), 4);
        } catch (IOException e) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, "Cannot open a local port on " + address + " to receive the sign-in result: "
                    + e.getMessage(), e);
        }
    }
}
