package dev.xaa4j.bridge;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A scripted "system browser" for {@code xaa login} in tests (launched through {@code BROWSER}): GETs the
 * authorization URL, fills the sample IdP's login form (password = user name, as in the demo policy) and
 * follows the redirect to the loopback callback. Usage: {@code FormBrowser USER URL}. Test aid only.
 */
public final class FormBrowser {

    private static final Pattern FORM = Pattern.compile("<form\\b[^>]*\\bmethod=\"([^\"]*)\"[^>]*\\baction=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ATTR = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private FormBrowser() {
    }

    public static void main(String[] args) throws Exception {
        String user = args[0];
        URI authorize = URI.create(args[args.length - 1]);
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(authorize).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher f = FORM.matcher(page.body());
        if (page.statusCode() != 200 || !f.find()) {
            System.exit(1);
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
        fields.put("password", user);
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> done = http.send(HttpRequest.newBuilder(authorize.resolve(unescape(f.group(2))))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        URI callback = URI.create(done.headers().firstValue("Location").orElseThrow());
        int status = http.send(HttpRequest.newBuilder(callback).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        System.exit(status == 200 ? 0 : 1);
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
