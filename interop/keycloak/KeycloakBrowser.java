import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted "system browser" for interop/keycloak/run.sh, started by {@code xaa login} through {@code BROWSER} with
 * the authorization request URL (RFC 6749 §4.1.1) as its last argument. It does what a person does at Keycloak's
 * login page: GET the URL (keeping Keycloak's cookies: its {@code Secure} ones too, as browsers do for loopback
 * origins, which {@link java.net.CookieManager} would drop over http), read the {@code kc-form-login} form's {@code action}, POST
 * {@code username} and {@code password}, then follow the 302 redirects to the loopback redirect URI (RFC 8252 §7.3),
 * so {@code xaa login} receives the authorization response.
 *
 * <p>Run with the JDK's source launcher: {@code java KeycloakBrowser.java --user NAME --password-file FILE URL}. The
 * password is read from FILE (never argv or env). Prints only HTTP statuses and hosts, never the URL's query (the
 * authorization response carries the code). Exit 0 when the loopback answered 200, else 1 with the reason on stderr.
 *
 * <p>Without {@code --user} it signs nobody in: it follows the redirects of an authorization server that answers at
 * once (interop/keycloak/run-ema.sh: the sample IdP in its dev auto-approve mode) to the loopback.
 */
public final class KeycloakBrowser {
    /** Cookies of the authorization server's origin (name to value); the only origin that sets any here. */
    private static final Map<String, String> COOKIES = new LinkedHashMap<>();
    private static final Pattern FORM = Pattern.compile("<form\\b[^>]*\\bid=\"kc-form-login\"[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern ACTION = Pattern.compile("\\baction=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern ERROR = Pattern.compile("id=\"input-error[^\"]*\"[^>]*>\\s*([^<]*)<", Pattern.CASE_INSENSITIVE);

    public static void main(String[] args) throws Exception {
        String user = null;
        Path passwordFile = null;
        String url = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--user" -> user = args[++i];
                case "--password-file" -> passwordFile = Path.of(args[++i]);
                default -> url = args[i];
            }
        }
        if ((user == null) != (passwordFile == null) || url == null) {
            System.err.println("usage: java KeycloakBrowser.java [--user NAME --password-file FILE] AUTHORIZE_URL");
            System.exit(2);
        }
        try {
            HttpClient direct = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            int status = user == null ? follow(direct, get(direct, URI.create(url))).statusCode()
                    : signIn(URI.create(url), user, Files.readString(passwordFile).strip());
            System.err.println("browser: loopback answered HTTP " + status);
            System.exit(status == 200 ? 0 : 1);
        } catch (IllegalStateException e) {
            System.err.println("browser: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Signs {@code user} in at the login form of {@code authorize} and returns the loopback redirect's HTTP status. */
    static int signIn(URI authorize, String user, String password) throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> page = get(http, authorize);
        System.err.println("browser: login page " + authorize.getHost() + ":" + authorize.getPort() + authorize.getPath()
                + " HTTP " + page.statusCode());
        Matcher form = FORM.matcher(page.body());
        if (page.statusCode() != 200 || !form.find()) {
            throw new IllegalStateException("no Keycloak login form (HTTP " + page.statusCode() + ")" + reason(page));
        }
        Matcher action = ACTION.matcher(form.group());
        if (!action.find()) {
            throw new IllegalStateException("the login form has no action");
        }
        String body = "username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8) + "&credentialId=";
        HttpResponse<String> r = send(http, withCookies(HttpRequest.newBuilder(authorize.resolve(unescape(action.group(1)))))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        System.err.println("browser: form posted as " + user + ", HTTP " + r.statusCode());
        r = follow(http, r);
        if (r.statusCode() == 200 && FORM.matcher(r.body()).find()) {
            throw new IllegalStateException("Keycloak showed the login form again" + reason(r));
        }
        return r.statusCode();
    }

    /** Follows the redirects of {@code r} (at most 10) and returns the last response's status. */
    private static HttpResponse<String> follow(HttpClient http, HttpResponse<String> r) throws Exception {
        for (int hops = 0; r.statusCode() / 100 == 3; hops++) {
            if (hops == 10) {
                throw new IllegalStateException("more than 10 redirects");
            }
            URI next = URI.create(r.headers().firstValue("Location").orElseThrow());
            System.err.println("browser: redirected to " + next.getHost() + ":" + next.getPort() + next.getPath());
            r = get(http, next);
        }
        return r;
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return send(http, withCookies(HttpRequest.newBuilder(uri)).GET().build());
    }

    private static HttpRequest.Builder withCookies(HttpRequest.Builder request) {
        if (!COOKIES.isEmpty()) {
            StringBuilder header = new StringBuilder();
            COOKIES.forEach((name, value) -> header.append(header.isEmpty() ? "" : "; ").append(name).append('=').append(value));
            request.header("Cookie", header.toString());
        }
        return request.timeout(Duration.ofSeconds(30));
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        for (String cookie : r.headers().allValues("Set-Cookie")) {
            String pair = cookie.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq > 0) {
                COOKIES.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
            }
        }
        return r;
    }

    private static String reason(HttpResponse<String> page) {
        Matcher m = ERROR.matcher(page.body());
        return m.find() ? ": " + unescape(m.group(1).strip()) : "";
    }

    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
