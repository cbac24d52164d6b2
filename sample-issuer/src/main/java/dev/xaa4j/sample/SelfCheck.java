package dev.xaa4j.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * {@code --exit-when-ready}: one request to each kind of endpoint of a running issuer, checking the status
 * each must answer without credentials. Tells an operator the process really serves, and exercises the
 * request path so the launcher's AppCDS training run records those classes too.
 */
final class SelfCheck {

    private record Probe(String method, URI uri, int expectedStatus) {
    }

    private SelfCheck() {
    }

    static boolean run(SampleIssuer issuer) throws InterruptedException {
        URI notes = issuer.server("notes");
        String mcpOrigin = notes.getScheme() + "://" + notes.getAuthority();
        List<Probe> probes = List.of(
                new Probe("GET", URI.create(issuer.idpIssuer() + "/.well-known/openid-configuration"), 200),
                new Probe("GET", URI.create(issuer.idpIssuer() + "/jwks"), 200),
                new Probe("POST", URI.create(issuer.idpIssuer() + "/token"), 401),
                new Probe("GET", URI.create(issuer.asIssuer() + "/.well-known/oauth-authorization-server"), 200),
                new Probe("POST", URI.create(issuer.asIssuer() + "/token"), 401), // client_credentials, no client
                new Probe("GET", issuer.workloadIssuer().jwksUri(), 200),
                new Probe("GET", URI.create(mcpOrigin + "/.well-known/oauth-protected-resource" + notes.getPath()), 200),
                new Probe("POST", notes, 401));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        boolean ok = true;
        for (Probe p : probes) {
            HttpRequest.Builder b = HttpRequest.newBuilder(p.uri()).timeout(Duration.ofSeconds(10));
            if (p.method().equals("POST")) {
                b.header("Content-Type", p.uri().getPath().endsWith("/token") ? "application/x-www-form-urlencoded" : "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(p.uri().getPath().endsWith("/token")
                                ? "grant_type=client_credentials"
                                : "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
            }
            try {
                int status = http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != p.expectedStatus()) {
                    System.err.printf("sample-issuer: self-check %s %s answered %d, expected %d%n", p.method(), p.uri(),
                            status, p.expectedStatus());
                    ok = false;
                }
            } catch (java.io.IOException e) {
                System.err.printf("sample-issuer: self-check %s %s failed: %s%n", p.method(), p.uri(), e.getMessage());
                ok = false;
            }
        }
        System.err.println("sample-issuer: self-check " + (ok ? "passed" : "FAILED"));
        return ok;
    }
}
