package dev.xaa4j.bridge.proxy;

import dev.xaa4j.connector.internal.signin.BrowserLauncher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The conformance harness's browser (MCP-AUTH test seam {@link BrowserLauncher}): GETs the authorization request
 * without following redirects, then GETs the {@code Location} the authorization server answered with — the
 * loopback {@code redirect_uri} of the sign-in (RFC 8252 §7.3), carrying {@code code}, {@code state} and
 * {@code iss}. No person, no consent page: the suite's mock authorization servers redirect at once.
 *
 * <p>Errors: an authorization server that does not redirect (any status but 3xx, or no {@code Location}) fails
 * the sign-in with an {@link IOException} naming the status. Whatever the loopback receiver answers (it may
 * refuse a response it rejects, e.g. a wrong {@code iss}) is the sign-in's business, not the browser's. Nothing
 * of the URLs is printed: they carry the authorization code. Thread-safe (one {@link HttpClient}).
 */
final class HeadlessBrowser implements BrowserLauncher {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(WAIT)
            .build();

    @Override
    public void open(URI authorizationRequest) throws IOException {
        HttpResponse<Void> authorize = get(authorizationRequest);
        String location = authorize.headers().firstValue("Location").orElse(null);
        if (authorize.statusCode() / 100 != 3 || location == null) {
            throw new IOException("the authorization endpoint answered HTTP " + authorize.statusCode()
                    + (location == null ? " without a Location" : "") + " instead of redirecting to the loopback callback");
        }
        get(authorizationRequest.resolve(location)).statusCode();
    }

    private HttpResponse<Void> get(URI uri) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(WAIT).GET().build(), HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while following the authorization request", e);
        }
    }
}
