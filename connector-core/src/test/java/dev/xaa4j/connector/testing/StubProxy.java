package dev.xaa4j.connector.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny HTTP proxy on loopback for tests: {@code CONNECT host:port} tunnels (https targets, RFC 9110 §9.3.6)
 * and absolute-form requests ({@code GET http://host:port/path}, RFC 9112 §3.2.2) for http targets. The hosts
 * it serves ({@link #reach}) need not resolve: it connects to 127.0.0.1 on the requested port, so a server
 * named {@code notes.internal.test} is reachable only through it. The first line of each connection is
 * recorded in {@link #requests()}; then bytes are piped both ways (the server accepts absolute-form).
 */
public final class StubProxy implements AutoCloseable {

    private final ServerSocket socket;
    private final Set<String> reachable = ConcurrentHashMap.newKeySet();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    private StubProxy() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "stub-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    public static StubProxy start() throws IOException {
        return new StubProxy();
    }

    /** Serve {@code host} (mapped to 127.0.0.1). */
    public StubProxy reach(String host) {
        reachable.add(host.toLowerCase(Locale.ROOT));
        return this;
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT}, for HTTPS_PROXY and friends. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** First request line of every connection: {@code CONNECT h:p HTTP/1.1}, {@code POST http://h:p/x HTTP/1.1}. */
    public List<String> requests() {
        return requests;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                open.add(client);
                Thread t = new Thread(() -> serve(client), "stub-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            byte[] head = readHead(in);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            String line = text.substring(0, Math.max(0, text.indexOf("\r\n")));
            requests.add(line);
            String[] parts = line.split(" ");
            if (parts.length < 3) {
                return;
            }
            boolean connect = parts[0].equalsIgnoreCase("CONNECT");
            URI target = URI.create(connect ? "//" + parts[1] : parts[1]);
            if (target.getHost() == null || !reachable.contains(target.getHost().toLowerCase(Locale.ROOT))) {
                out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            int port = target.getPort() != -1 ? target.getPort() : "https".equals(target.getScheme()) ? 443 : 80;
            try (Socket upstream = new Socket()) {
                open.add(upstream);
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
                if (connect) {
                    out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } else {
                    upstream.getOutputStream().write(head);
                }
                Thread back = new Thread(() -> pipe(upstream, client), "stub-proxy-back");
                back.setDaemon(true);
                back.start();
                pipe(client, upstream);
                back.join(5000);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // a test proxy: the client sees the connection close
        } finally {
            open.remove(client);
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
