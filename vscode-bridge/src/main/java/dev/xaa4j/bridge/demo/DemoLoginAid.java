package dev.xaa4j.bridge.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * <b>DEMO AID — not part of xaa's sign-in.</b> Stands in for the person at the browser during {@code ./demo}:
 * {@code xaa login} runs it as {@code BROWSER}, it opens the sign-in page, fills the <em>sample issuer's</em>
 * login form as a demo user (password = user name, as in the sample policy) and follows the redirect back to
 * xaa's loopback receiver. A real user types this in their browser; xaa itself never sees or handles a
 * password.
 *
 * <p>It refuses anything but the sample issuer on this machine: the URL must be plain {@code http} to a
 * loopback address, path {@code /authorize}, the page must be the sample IdP's form (fields {@code username}
 * and {@code password}, posting to {@code /authorize}), and the redirect must go back to a loopback callback.
 *
 * <p>Usage: {@code java -cp xaa.jar dev.xaa4j.bridge.demo.DemoLoginAid USER URL}. Exit 0 when the callback
 * accepted the sign-in, 1 otherwise, 2 when refused.
 */
public final class DemoLoginAid {

    private static final Pattern FORM = Pattern.compile("<form\\b[^>]*\\bmethod=\"post\"[^>]*\\baction=\"([^\"]*)\"",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTR = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private DemoLoginAid() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: DemoLoginAid USER AUTHORIZATION_URL   (demo aid for the sample issuer only)");
            System.exit(2);
        }
        String user = args[0];
        System.err.println("DEMO AID: filling the sample issuer's login form as " + user
                + " — a real user types this in their browser");
        try {
            System.exit(signIn(user, URI.create(args[1])) ? 0 : 1);
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

    static boolean signIn(String user, URI authorize) throws IOException, InterruptedException {
        requireLoopback(authorize, "the sign-in page");
        if (!"/authorize".equals(authorize.getPath())) {
            throw new Refused("not the sample issuer's /authorize page: " + authorize.getPath());
        }
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(TIMEOUT).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(authorize).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher form = FORM.matcher(page.body());
        Map<String, String> fields = inputs(page.body());
        if (page.statusCode() != 200 || !form.find() || !"/authorize".equals(unescape(form.group(1)))
                || !fields.containsKey("username") || !fields.containsKey("password")) {
            throw new Refused("the page is not the sample issuer's login form (HTTP " + page.statusCode() + ")");
        }
        fields.put("username", user);
        fields.put("password", user);
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(authorize.resolve("/authorize")).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        String location = posted.headers().firstValue("Location").orElse(null);
        if (location == null) {
            System.err.println("DEMO AID: the sample issuer did not accept " + user + " (HTTP " + posted.statusCode() + ")");
            return false;
        }
        URI callback = authorize.resolve(location);
        requireLoopback(callback, "the redirect");
        int status = http.send(HttpRequest.newBuilder(callback).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        return status == 200;
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
        } catch (java.net.UnknownHostException e) {
            throw new Refused(what + " has an unknown host: " + uri.getHost());
        }
    }

    private static Map<String, String> inputs(String html) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher in = INPUT.matcher(html);
        while (in.find()) {
            Map<String, String> attrs = new LinkedHashMap<>();
            Matcher a = ATTR.matcher(in.group(1));
            while (a.find()) {
                attrs.put(a.group(1).toLowerCase(java.util.Locale.ROOT), unescape(a.group(2)));
            }
            if (attrs.containsKey("name")) {
                fields.put(attrs.get("name"), attrs.getOrDefault("value", ""));
            }
        }
        return fields;
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** The aid will not touch this page: not the sample issuer on this machine. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }
}
