package dev.xaa4j.sample.as;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.sample.SampleIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Raw form POSTs to the AS token endpoint, so tests control every byte (and can send broken requests). */
public final class TokenEndpoint {

    public static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Status, parsed JSON body and headers of one response. */
    public record Reply(int status, Map<String, Object> json, HttpHeaders headers) {
        public String error() {
            return (String) json.get("error");
        }

        public String description() {
            return (String) json.get("error_description");
        }
    }

    private TokenEndpoint() {
    }

    /** Posts {@code form} (name/value pairs, names may repeat) with optional Basic client credentials. */
    public static Reply post(URI tokenEndpoint, List<String[]> form, String basicUser, String basicPassword)
            throws IOException, InterruptedException {
        List<String> pairs = new ArrayList<>();
        for (String[] p : form) {
            pairs.add(enc(p[0]) + "=" + enc(p[1]));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(tokenEndpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("&", pairs)));
        if (basicUser != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (enc(basicUser) + ":" + enc(basicPassword)).getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Object> json = r.body().isEmpty() ? Map.of()
                : JSON.readValue(r.body(), new TypeReference<Map<String, Object>>() { });
        return new Reply(r.statusCode(), json, r.headers());
    }

    /** jwt-bearer with client_secret_basic as the demo client. */
    public static Reply redeem(SampleIssuer issuer, String idJag, String... extra)
            throws IOException, InterruptedException {
        List<String[]> form = new ArrayList<>();
        form.add(new String[] {"grant_type", JWT_BEARER});
        form.add(new String[] {"assertion", idJag});
        for (int i = 0; i < extra.length; i += 2) {
            form.add(new String[] {extra[i], extra[i + 1]});
        }
        return post(tokenUri(issuer), form, TestIdJag.CLIENT, TestIdJag.CLIENT_SECRET);
    }

    /** An access token for {@code user} at {@code resourceName}, through the AS with a hand-minted ID-JAG. */
    public static String accessToken(SampleIssuer issuer, String user, String resourceName, String scope)
            throws IOException, InterruptedException {
        Reply r = redeem(issuer, TestIdJag.of(issuer, user, resourceName, scope).sign());
        if (r.status() != 200) {
            throw new IllegalStateException("token request failed: " + r.json());
        }
        return (String) r.json().get("access_token");
    }

    public static URI tokenUri(SampleIssuer issuer) {
        return URI.create(issuer.asIssuer() + "/token");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
