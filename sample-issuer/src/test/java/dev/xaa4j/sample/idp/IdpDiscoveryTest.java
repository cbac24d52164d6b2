package dev.xaa4j.sample.idp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdpDiscoveryTest extends IdpPerClass {

    @Test
    void discoveryDocumentAdvertisesCodeFlowPkceAndIdJagExchange() {
        HttpResponse<String> r = client.get(URI.create(issuer.idpIssuer() + "/.well-known/openid-configuration"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        Map<String, Object> m = IdpTestClient.json(r);
        String iss = issuer.idpIssuer().toString();
        assertThat(iss).doesNotEndWith("/");
        assertThat(m).containsEntry("issuer", iss)
                .containsEntry("authorization_endpoint", iss + "/authorize")
                .containsEntry("token_endpoint", iss + "/token")
                .containsEntry("jwks_uri", iss + "/jwks")
                .containsEntry("authorization_response_iss_parameter_supported", true);
        assertThat(list(m, "response_types_supported")).containsExactly("code");
        assertThat(list(m, "grant_types_supported")).containsExactlyInAnyOrder("authorization_code",
                "refresh_token", "urn:ietf:params:oauth:grant-type:token-exchange");
        assertThat(list(m, "code_challenge_methods_supported")).containsExactly("S256");
        assertThat(list(m, "token_endpoint_auth_methods_supported")).containsExactlyInAnyOrder(
                "client_secret_basic", "client_secret_post", "private_key_jwt");
        assertThat(list(m, "token_endpoint_auth_signing_alg_values_supported")).contains("RS256");
        assertThat(list(m, "scopes_supported")).containsExactlyInAnyOrder("openid", "offline_access",
                "email", "profile");
        assertThat(list(m, "subject_types_supported")).containsExactly("public");
        assertThat(list(m, "id_token_signing_alg_values_supported")).containsExactly("RS256");
        assertThat(list(m, "identity_chaining_requested_token_types_supported"))
                .containsExactly("urn:ietf:params:oauth:token-type:id-jag");
    }

    @Test
    void jwksPublishesTheSigningKeyWithKid() {
        Map<String, Object> jwks = IdpTestClient.json(client.get(issuer.idpIssuer().resolve("/jwks")));
        assertThat(list(jwks, "keys")).singleElement().satisfies(k -> {
            @SuppressWarnings("unchecked") Map<String, Object> key = (Map<String, Object>) k;
            assertThat(key).containsEntry("kty", "RSA").containsEntry("kid", issuer.idpKeys().current().getKeyID())
                    .doesNotContainKey("d");
        });
    }

    @SuppressWarnings("unchecked")
    private static java.util.List<Object> list(Map<String, Object> doc, String key) {
        return (java.util.List<Object>) doc.get(key);
    }
}
