package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.signin.BrowserLauncher;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A headless "system browser" for the sample issuer's dev-only auto-approve mode: GETs the authorization request
 * without following redirects, records it and the {@code code} of the 302 back to the loopback callback, and GETs
 * that callback. The codes let a test grep its captured log for them.
 */
final class PlainOAuthBrowser implements BrowserLauncher {

    final List<URI> opened = new CopyOnWriteArrayList<>();
    final List<String> codes = new CopyOnWriteArrayList<>();
    final List<Integer> callbackStatus = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public void open(URI authorizationRequest) throws IOException {
        opened.add(authorizationRequest);
        try {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(authorizationRequest).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            URI callback = URI.create(page.headers().firstValue("Location").orElseThrow(() ->
                    new IOException("no redirect from the authorization endpoint (HTTP " + page.statusCode() + ")")));
            String code = query(callback).get("code");
            if (code != null) {
                codes.add(code);
            }
            callbackStatus.add(http.send(HttpRequest.newBuilder(callback).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The decoded query parameters of {@code uri} (first value of each). */
    static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                out.putIfAbsent(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
