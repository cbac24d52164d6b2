package dev.xaa4j.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * <b>DEMO AID — not part of xaa's sign-in.</b> The demo's {@code BROWSER}: {@code xaa login} (or
 * {@code xaa agent --memory}) runs it with the authorization URL; it GETs that URL and follows the redirects to
 * xaa's loopback receiver, nothing else. The sample issuer runs in its dev-only auto-approve mode
 * ({@code --dev-auto-approve USER}), so its authorization endpoint answers with the redirect back at once; no
 * form, no password. A real user signs in in their own browser.
 *
 * <p>It follows only plain {@code http} on loopback addresses (the sample issuer and xaa's receiver on this
 * machine), at most {@value #MAX_REDIRECTS} redirects, and refuses a sign-in page (the issuer is not in
 * auto-approve mode).
 *
 * <p>Usage: {@code java -cp … dev.xaa4j.demo.RedirectFollower URL}. Exit 0 when the final page answered 200
 * (the receiver accepted the sign-in), 1 otherwise, 2 when refused.
 */
public final class RedirectFollower {

    static final int MAX_REDIRECTS = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private RedirectFollower() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: RedirectFollower AUTHORIZATION_URL   (demo aid for the sample issuer only)");
            System.exit(2);
        }
        try {
            System.exit(follow(URI.create(args[0])) ? 0 : 1);
        } catch (Refused e) {
            System.err.println("DEMO AID: refused: " + e.getMessage());
            System.exit(2);
        } catch (IOException | RuntimeException e) {
            System.err.println("DEMO AID: the sample sign-in failed: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    /**
     * GETs {@code start} and each {@code Location} after it, loopback only.
     *
     * @return whether the last page answered 200
     * @throws Refused when a URL is not plain http on loopback, the issuer shows a page instead of redirecting,
     *                 or there are more than {@value #MAX_REDIRECTS} redirects
     */
    static boolean follow(URI start) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(TIMEOUT).build();
        URI at = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            requireLoopback(at, hop == 0 ? "the sign-in URL" : "the redirect");
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(at).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            String location = r.headers().firstValue("Location").orElse(null);
            if (r.statusCode() / 100 != 3 || location == null) {
                if (hop == 0 && r.statusCode() == 200) {
                    throw new Refused("the sample issuer showed a page instead of redirecting back: start it with "
                            + "--dev-auto-approve USER (the demo does)");
                }
                if (r.statusCode() != 200) {
                    System.err.println("DEMO AID: " + at.getPath() + " answered HTTP " + r.statusCode());
                }
                return r.statusCode() == 200;
            }
            at = at.resolve(location);
        }
        throw new Refused("more than " + MAX_REDIRECTS + " redirects");
    }

    private static void requireLoopback(URI uri, String what) {
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new Refused(what + " is not a plain http URL on this machine: " + uri.getScheme() + "://" + uri.getHost());
        }
        try {
            String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
            if (!host.equals("localhost") && !InetAddress.getByName(host).isLoopbackAddress()) {
                throw new Refused(what + " is not on a loopback address: " + uri.getHost());
            }
        } catch (UnknownHostException e) {
            throw new Refused(what + " has an unknown host: " + uri.getHost());
        }
    }

    /** The follower will not go there: not the sample issuer or xaa's receiver on this machine. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
