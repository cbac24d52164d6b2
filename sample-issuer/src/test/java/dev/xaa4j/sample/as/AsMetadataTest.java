package dev.xaa4j.sample.as;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.xaa4j.sample.SampleIssuerPerClass;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AsMetadataTest extends SampleIssuerPerClass {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    @SuppressWarnings("unchecked")
    void metadataAdvertisesTheJwtBearerGrantWithTheIdJagProfile() throws Exception {
        HttpResponse<String> r = get(issuer.asIssuer() + "/.well-known/oauth-authorization-server");
        Map<String, Object> md = new ObjectMapper().readValue(r.body(), new TypeReference<>() { });

        String as = issuer.asIssuer().toString();
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        assertThat(md).containsEntry("issuer", as)
                .containsEntry("token_endpoint", as + "/token")
                .containsEntry("jwks_uri", as + "/jwks")
                .containsEntry("grant_types_supported",
                        List.of("urn:ietf:params:oauth:grant-type:jwt-bearer", "client_credentials"))
                .containsEntry("authorization_grant_profiles_supported",
                        List.of("urn:ietf:params:oauth:grant-profile:id-jag"))
                .containsEntry("token_endpoint_auth_methods_supported",
                        List.of("client_secret_basic", "client_secret_post", "private_key_jwt"))
                .containsEntry("token_endpoint_auth_signing_alg_values_supported", List.of("RS256", "PS256", "ES256"))
                .containsEntry("response_types_supported", List.of());
        assertThat((List<Object>) md.get("scopes_supported"))
                .containsExactlyInAnyOrder("notes.read", "notes.write", "tickets.read", "tickets.write");
        // MCP EMA profile: the metadata MUST NOT reveal which IdPs the AS trusts.
        assertThat(r.body()).doesNotContain(issuer.idpIssuer().toString());
    }

    @Test
    void jwksPublishesTheSigningKeyWithKidAndNoPrivateParts() throws Exception {
        HttpResponse<String> r = get(issuer.asIssuer() + "/jwks");
        Map<String, Object> jwks = new ObjectMapper().readValue(r.body(), new TypeReference<>() { });

        assertThat(r.statusCode()).isEqualTo(200);
        List<?> keys = (List<?>) jwks.get("keys");
        assertThat(keys).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<Object, Object> key = (Map<Object, Object>) keys.get(0);
        assertThat(key.get("kty")).isEqualTo("RSA");
        assertThat((String) key.get("kid")).startsWith("as-");
        assertThat(key.keySet()).doesNotContain("d", "p", "q", "dp", "dq", "qi");
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
