package dev.xaa4j.sample.dpop;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.as.TestIdJag;
import dev.xaa4j.sample.as.TokenEndpoint;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Token and MCP requests with a {@code DPoP} header, over real HTTP, for the sample issuer's DPoP tests. */
public final class DPoPTokens {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A JSON-RPC body any MCP server answers without a tool scope. */
    public static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    private DPoPTokens() {
    }

    /** jwt-bearer of {@code idJag} at the EMA AS as the demo client, with {@code proof} (none when {@code null}). */
    public static HttpResponse<String> redeem(SampleIssuer issuer, String idJag, String proof) throws Exception {
        String form = "grant_type=" + URLEncoder.encode(TokenEndpoint.JWT_BEARER, StandardCharsets.UTF_8)
                + "&assertion=" + idJag;
        HttpRequest.Builder b = HttpRequest.newBuilder(TokenEndpoint.tokenUri(issuer))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (TestIdJag.CLIENT + ":" + TestIdJag.CLIENT_SECRET).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (proof != null) {
            b.header("DPoP", proof);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An access token for {@code user} at EMA server {@code server} bound to {@code key} (a hand-minted ID-JAG). */
    public static String boundAccessToken(SampleIssuer issuer, DPoPProofs key, String user, String server, String scope)
            throws Exception {
        HttpResponse<String> r = redeem(issuer, TestIdJag.of(issuer, user, server, scope).sign(),
                key.forTokenRequest(TokenEndpoint.tokenUri(issuer)));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("token request failed: " + r.body());
        }
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    /** The issuer's audit entries of {@code event}, in file order. */
    public static java.util.List<com.fasterxml.jackson.databind.JsonNode> audit(SampleIssuer issuer, String event)
            throws java.io.IOException {
        java.util.List<com.fasterxml.jackson.databind.JsonNode> out = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(issuer.auditFile())) {
            com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(line);
            if (n.path("event").asText().equals(event)) {
                out.add(n);
            }
        }
        return out;
    }

    /** POST {@code body} to {@code server} with {@code authorization} and {@code proof} (each left out when null). */
    public static HttpResponse<String> mcp(URI server, String authorization, String proof, String body)
            throws Exception {
        return mcp("POST", server, authorization, proof, body);
    }

    /** {@code method} to {@code server} (a body only for POST), with the headers when not {@code null}. */
    public static HttpResponse<String> mcp(String method, URI server, String authorization, String proof, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (proof != null) {
            b.header("DPoP", proof);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
