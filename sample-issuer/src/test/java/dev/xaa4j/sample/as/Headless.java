package dev.xaa4j.sample.as;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.oauth2.sdk.auth.JWTAuthenticationClaimsSet;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.xaa4j.sample.SampleIssuer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test helpers for issue 12's grants over real HTTP: the admin operations (register a client's public key,
 * mint a workload JWT, switch IdP features) and RFC 7523 client assertions built with Nimbus.
 */
public final class Headless {

    public static final String CI_CLIENT = "xaa-agent-ci";
    public static final String CI_SECRET = "xaa-agent-ci-demo-secret";
    public static final String CLIENT_CREDENTIALS = "client_credentials";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Headless() {
    }

    /** {@code method} {@code {idp}/admin/{path}} with the admin token and {@code body}; status and JSON body. */
    public static TokenEndpoint.Reply admin(SampleIssuer issuer, String method, String path, String body)
            throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/" + path))
                .header("Authorization", "Bearer " + issuer.adminToken())
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        return new TokenEndpoint.Reply(r.statusCode(), JSON.readValue(r.body(), new TypeReference<>() { }),
                r.headers());
    }

    /** Registers {@code key}'s public half for {@code clientId}; fails unless the issuer answers 200. */
    public static void registerKey(SampleIssuer issuer, String clientId, JWK key)
            throws IOException, InterruptedException {
        TokenEndpoint.Reply r = admin(issuer, "POST", "clients/" + clientId + "/jwks", key.toPublicJWK().toJSONString());
        if (r.status() != 200) {
            throw new IllegalStateException("key registration failed: " + r.json());
        }
    }

    /** A workload JWT from the sample's workload issuer, minted through {@code POST /admin/workload-token}. */
    public static String workloadToken(SampleIssuer issuer, String sub, String aud, long ttlSeconds)
            throws IOException, InterruptedException {
        Map<String, Object> body = aud == null ? Map.of("sub", sub, "ttl", ttlSeconds)
                : Map.of("sub", sub, "aud", aud, "ttl", ttlSeconds);
        TokenEndpoint.Reply r = admin(issuer, "POST", "workload-token", JSON.writeValueAsString(body));
        if (r.status() != 200) {
            throw new IllegalStateException("workload token not minted: " + r.json());
        }
        return (String) r.json().get("token");
    }

    /** RFC 7523 §2.2 client assertion form fields: ES256 with {@code key}, {@code aud} = {@code audience}. */
    public static List<String[]> assertion(String clientId, ECKey key, URI audience) {
        try {
            PrivateKeyJWT jwt = new PrivateKeyJWT(new JWTAuthenticationClaimsSet(new ClientID(clientId),
                    new Audience(audience)), JWSAlgorithm.ES256, key.toECPrivateKey(), key.getKeyID(), null);
            List<String[]> form = new ArrayList<>();
            jwt.toParameters().forEach((k, v) -> form.add(new String[] {k, v.get(0)}));
            return form;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A client_credentials request's form: grant_type, resource, optional scope, plus {@code extra}. */
    public static List<String[]> clientCredentials(URI resource, String scope, List<String[]> extra) {
        List<String[]> form = new ArrayList<>();
        form.add(new String[] {"grant_type", CLIENT_CREDENTIALS});
        form.add(new String[] {"resource", resource.toString()});
        if (scope != null) {
            form.add(new String[] {"scope", scope});
        }
        form.addAll(extra);
        return form;
    }

    /** A jwt-bearer request's form with a workload JWT: grant_type, assertion, resource, optional scope. */
    public static List<String[]> workloadGrant(String assertion, URI resource, String scope) {
        List<String[]> form = new ArrayList<>();
        form.add(new String[] {"grant_type", TokenEndpoint.JWT_BEARER});
        form.add(new String[] {"assertion", assertion});
        form.add(new String[] {"resource", resource.toString()});
        if (scope != null) {
            form.add(new String[] {"scope", scope});
        }
        return form;
    }
}
