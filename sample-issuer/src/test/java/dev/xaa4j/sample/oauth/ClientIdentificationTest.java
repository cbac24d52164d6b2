package dev.xaa4j.sample.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.client.ClientInformation;
import com.nimbusds.oauth2.sdk.client.ClientMetadata;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationRequest;
import com.nimbusds.oauth2.sdk.client.ClientRegistrationResponse;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.sun.net.httpserver.HttpServer;
import dev.xaa4j.sample.SampleIssuerPerClass;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Dynamic client registration (RFC 7591) and Client ID Metadata Documents at the plain OAuth AS, over real HTTP. */
@Timeout(60)
class ClientIdentificationTest extends SampleIssuerPerClass {

    private HttpServer documents;
    private final Map<String, String> served = new ConcurrentHashMap<>();

    @BeforeEach
    void serveDocuments() throws Exception {
        documents = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        documents.createContext("/", ex -> {
            String body = served.get(ex.getRequestURI().getPath());
            byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(body == null ? 404 : 200, b.length == 0 ? -1 : b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        documents.start();
    }

    @AfterEach
    void stopDocuments() {
        documents.stop(0);
    }

    private String documentUrl(String path) {
        return "http://127.0.0.1:" + documents.getAddress().getPort() + path;
    }

    private static ClientMetadata metadata(String method, Set<GrantType> grants) {
        ClientMetadata md = new ClientMetadata();
        md.setRedirectionURI(URI.create("http://127.0.0.1/callback"));
        md.setGrantTypes(grants);
        md.setTokenEndpointAuthMethod(ClientAuthenticationMethod.parse(method));
        md.setCustomField("application_type", "native");
        md.setName("xaa4j test");
        return md;
    }

    private HTTPResponse register(ClientMetadata md) throws Exception {
        return new ClientRegistrationRequest(PlainOAuthClient.of(issuer).endpoint("/register"), md, null)
                .toHTTPRequest().send();
    }

    @Test
    void aPublicNativeClientRegistersAndSignsIn() throws Exception {
        HTTPResponse resp = register(metadata("none", Set.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN)));
        ClientInformation info = ClientRegistrationResponse.parse(resp).toSuccessResponse().getClientInformation();

        TokenResponse t = PlainOAuthClient.of(issuer).signIn(info.getID().getValue(), "alice", "wiki:read",
                issuer.server("wiki"));

        assertThat(resp.getStatusCode()).isEqualTo(201);
        assertThat(info.getSecret()).isNull();
        assertThat(info.getMetadata().getTokenEndpointAuthMethod()).isEqualTo(ClientAuthenticationMethod.NONE);
        assertThat(t.toSuccessResponse().getTokens().getRefreshToken()).isNotNull();
        assertThat(Files.readString(issuer.auditFile())).contains("application_type native");
    }

    @Test
    void aConfidentialRegistrationGetsASecretAndMustUseItsMethod() throws Exception {
        ClientInformation info = ClientRegistrationResponse.parse(register(metadata("client_secret_post",
                Set.of(GrantType.AUTHORIZATION_CODE)))).toSuccessResponse().getClientInformation();
        PlainOAuthClient c = PlainOAuthClient.of(issuer);
        String id = info.getID().getValue();
        PlainOAuthClient.Flow f1 = c.flow(id, "wiki:read", issuer.server("wiki"));
        PlainOAuthClient.Flow f2 = c.flow(id, "wiki:read", issuer.server("wiki"));
        AuthorizationCodeGrant g1 = new AuthorizationCodeGrant(c.authorize(f1, "alice").toSuccessResponse()
                .getAuthorizationCode(), PlainOAuthClient.REDIRECT, f1.verifier());
        AuthorizationCodeGrant g2 = new AuthorizationCodeGrant(c.authorize(f2, "alice").toSuccessResponse()
                .getAuthorizationCode(), PlainOAuthClient.REDIRECT, f2.verifier());

        TokenResponse viaBasic = c.token(PlainOAuthClient.basic(id, info.getSecret().getValue()), null, g1,
                issuer.server("wiki"));
        TokenResponse viaPost = c.token(new ClientSecretPost(info.getID(), info.getSecret()), null, g2,
                issuer.server("wiki"));

        assertThat(info.getSecret()).isNotNull();
        assertThat(Files.readString(issuer.auditFile())).doesNotContain(info.getSecret().getValue());
        assertThat(viaBasic.toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
        assertThat(viaPost.indicatesSuccess()).isTrue();
        assertThat(viaPost.toSuccessResponse().getTokens().getRefreshToken())
                .as("no refresh_token grant registered").isNull();
    }

    @Test
    void aPrivateKeyJwtClientAuthenticatesWithAnAssertionSignedByItsRegisteredKey() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("client-key").generate();
        RSAKey other = new RSAKeyGenerator(2048).keyID("client-key").generate();
        ClientMetadata md = metadata("private_key_jwt", Set.of(GrantType.AUTHORIZATION_CODE));
        md.setJWKSet(new JWKSet(key.toPublicJWK()));
        ClientInformation info = ClientRegistrationResponse.parse(register(md)).toSuccessResponse().getClientInformation();
        PlainOAuthClient c = PlainOAuthClient.of(issuer);
        URI tokenEndpoint = c.endpoint("/token");
        List<TokenResponse> answers = new java.util.ArrayList<>();
        for (RSAKey signer : List.of(other, key)) {
            PlainOAuthClient.Flow f = c.flow(info.getID().getValue(), "wiki:read", issuer.server("wiki"));
            AuthorizationCodeGrant g = new AuthorizationCodeGrant(c.authorize(f, "alice").toSuccessResponse()
                    .getAuthorizationCode(), PlainOAuthClient.REDIRECT, f.verifier());
            answers.add(c.token(new PrivateKeyJWT(info.getID(), tokenEndpoint, JWSAlgorithm.RS256,
                    signer.toPrivateKey(), signer.getKeyID(), null), null, g, issuer.server("wiki")));
        }

        assertThat(info.getSecret()).isNull();
        assertThat(answers.get(0).toErrorResponse().getErrorObject().getCode()).isEqualTo("invalid_client");
        assertThat(answers.get(1).indicatesSuccess()).isTrue();
    }

    @Test
    void registrationWithoutRedirectUrisOrWithAnUnknownGrantIsRefused() throws Exception {
        ClientMetadata noRedirect = metadata("none", Set.of(GrantType.AUTHORIZATION_CODE));
        noRedirect.setRedirectionURIs(null);
        ClientMetadata jwtBearer = metadata("none", Set.of(GrantType.AUTHORIZATION_CODE, GrantType.JWT_BEARER));

        var r1 = ClientRegistrationResponse.parse(register(noRedirect)).toErrorResponse();
        var r2 = ClientRegistrationResponse.parse(register(jwtBearer)).toErrorResponse();

        assertThat(r1.getErrorObject().getCode()).isEqualTo("invalid_redirect_uri");
        assertThat(r2.getErrorObject().getCode()).isEqualTo("invalid_client_metadata");
        assertThat(r2.getErrorObject().getHTTPStatusCode()).isEqualTo(400);
    }

    @Test
    void aClientIdMetadataDocumentIsFetchedValidatedAndUsed() throws Exception {
        String url = documentUrl("/client.json");
        served.put("/client.json", "{\"client_id\":\"" + url + "\",\"client_name\":\"xaa4j\","
                + "\"redirect_uris\":[\"http://127.0.0.1/callback\"],"
                + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"token_endpoint_auth_method\":\"none\"}");

        TokenResponse t = PlainOAuthClient.of(issuer).signIn(url, "alice", "wiki:read", issuer.server("wiki"));
        served.remove("/client.json");
        TokenResponse fromCache = PlainOAuthClient.of(issuer).signIn(url, "alice", "wiki:read", issuer.server("wiki"));

        assertThat(t.indicatesSuccess()).isTrue();
        assertThat(fromCache.indicatesSuccess()).as("the document is cached").isTrue();
        assertThat(t.toSuccessResponse().getTokens().getRefreshToken()).isNotNull();
        assertThat(Files.readString(issuer.auditFile())).contains("\"event\":\"oauth-cimd\"");
    }

    @Test
    void aMetadataDocumentNamingAnotherClientIdOrUsingASecretIsRefused() throws Exception {
        String other = documentUrl("/other.json");
        String secret = documentUrl("/secret.json");
        served.put("/other.json", "{\"client_id\":\"https://elsewhere.example/client.json\","
                + "\"redirect_uris\":[\"http://127.0.0.1/callback\"]}");
        served.put("/secret.json", "{\"client_id\":\"" + secret + "\",\"redirect_uris\":[\"http://127.0.0.1/callback\"],"
                + "\"token_endpoint_auth_method\":\"client_secret_basic\"}");
        PlainOAuthClient c = PlainOAuthClient.of(issuer);
        HttpClient http = HttpClient.newHttpClient();

        for (String id : List.of(other, secret, documentUrl("/missing.json"))) {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(c.flow(id, "wiki:read", issuer.server("wiki"))
                    .url()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).as(id).isEqualTo(400);
            assertThat(page.body()).contains("Unknown application").contains(id);
        }
    }
}
