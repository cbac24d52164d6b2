package dev.xaa4j.connector.internal.oauth;

import dev.xaa4j.connector.internal.signin.BrowserLauncher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A headless "system browser" (the seam of MCP-conformance harnesses): GETs the authorization request without
 * following redirects, reads the authorization server's 302 {@code Location} and GETs that loopback URL. Records
 * each authorization request, the {@code code} it carried back (a test greps its log for it) and the loopback
 * page's status.
 */
public final class HeadlessBrowser implements BrowserLauncher {

    public final List<URI> opened = new CopyOnWriteArrayList<>();
    public final List<String> codes = new CopyOnWriteArrayList<>();
    public final List<Integer> callbackStatus = new CopyOnWriteArrayList<>();
    /** When set, a callback with this (foreign) state is sent first, as an old tab would. */
    volatile String strayState;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Override
    public void open(URI authorizationRequest) throws IOException {
        opened.add(authorizationRequest);
        try {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(authorizationRequest).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String location = page.headers().firstValue("Location").orElseThrow(() ->
                    new IOException("no redirect from the authorization endpoint (HTTP " + page.statusCode() + ")"));
            java.util.regex.Matcher code = java.util.regex.Pattern.compile("[?&]code=([^&]*)").matcher(location);
            if (code.find()) {
                codes.add(java.net.URLDecoder.decode(code.group(1), java.nio.charset.StandardCharsets.UTF_8));
            }
            if (strayState != null) {
                String stray = location.replaceFirst("state=[^&]*", "state=" + strayState);
                callbackStatus.add(get(stray));
            }
            callbackStatus.add(get(location));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private int get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
