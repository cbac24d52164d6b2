package dev.xaa4j.connector.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scripted "system browser" for end-to-end sign-in tests, launched the way a real one is: as a command
 * given the authorization URL as its last argument (e.g. through {@code BROWSER}). It GETs the URL, parses
 * the IdP's HTML login form, POSTs the user name and password, and follows the 302 to the loopback callback,
 * printing the callback page's status and title on stdout.
 *
 * <p>Usage: {@code TestBrowser [--user NAME] [--password PW] URL}; defaults come from the system properties
 * {@code xaa4j.testbrowser.user} / {@code xaa4j.testbrowser.password}, else {@code alice} / the user name.
 * Exit code 0 when the callback answered 200, 1 otherwise.
 */
public final class TestBrowser {
    private static final Pattern FORM = Pattern.compile("<form\\b[^>]*\\bmethod=\"([^\"]*)\"[^>]*\\baction=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTR = Pattern.compile("(\\w+)=\"([^\"]*)\"");
    private static final Pattern TITLE = Pattern.compile("<title>([^<]*)</title>", Pattern.CASE_INSENSITIVE);

    private TestBrowser() {
    }

    public static void main(String[] args) throws Exception {
        String user = System.getProperty("xaa4j.testbrowser.user", "alice");
        String password = System.getProperty("xaa4j.testbrowser.password");
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--user" -> user = args[++i];
                case "--password" -> password = args[++i];
                default -> rest.add(args[i]);
            }
        }
        if (rest.isEmpty()) {
            System.err.println("usage: TestBrowser [--user NAME] [--password PW] URL");
            System.exit(2);
        }
        HttpResponse<String> callback = signIn(URI.create(rest.get(rest.size() - 1)), user, password == null ? user : password);
        Matcher t = TITLE.matcher(callback.body());
        System.out.println(callback.statusCode() + " " + (t.find() ? t.group(1) : ""));
        System.exit(callback.statusCode() == 200 ? 0 : 1);
    }

    /** Drives the login form of {@code authorizeUrl} and returns the loopback callback's response. */
    public static HttpResponse<String> signIn(URI authorizeUrl, String user, String password) throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(authorizeUrl).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() == 302) {
            return follow(http, page); // e.g. an error redirect straight back to the application
        }
        Matcher f = FORM.matcher(page.body());
        if (page.statusCode() != 200 || !f.find()) {
            throw new IllegalStateException("no login form at " + authorizeUrl + " (HTTP " + page.statusCode() + ")");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher in = INPUT.matcher(page.body());
        while (in.find()) {
            Map<String, String> attrs = new LinkedHashMap<>();
            Matcher a = ATTR.matcher(in.group(1));
            while (a.find()) {
                attrs.put(a.group(1).toLowerCase(), unescape(a.group(2)));
            }
            if (attrs.containsKey("name")) {
                fields.put(attrs.get("name"), attrs.getOrDefault("value", ""));
            }
        }
        fields.put("username", user);
        fields.put("password", password);
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        URI action = authorizeUrl.resolve(unescape(f.group(2)));
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(action)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (done.statusCode() != 302) {
            throw new IllegalStateException("login was not accepted (HTTP " + done.statusCode() + ")");
        }
        return follow(http, done);
    }

    private static HttpResponse<String> follow(HttpClient http, HttpResponse<String> redirect) throws Exception {
        URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());
        return http.send(HttpRequest.newBuilder(location).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
