package dev.xaa4j.sample.as;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jwt-bearer grant's success paths over real HTTP, one per client authentication method. */
class AsTokenEndpointTest {

    static final String PKJ_CLIENT = "pkj-agent";
    static final Duration AT_TTL = Duration.ofMinutes(7);

    @TempDir
    static Path state;
    static SampleIssuer issuer;
    static RSAKey clientKey;

    @BeforeAll
    static void start() throws Exception {
        clientKey = new RSAKeyGenerator(2048).keyID("pkj-1").generate();
        issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0)
                .withPolicyFile(policyWithKeyClient(state, clientKey))
                .withLifetimes(Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(5), AT_TTL));
    }

    /** The demo policy plus an AS client that authenticates with private_key_jwt. */
    static Path policyWithKeyClient(Path dir, RSAKey key) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, Object> policy;
        try (InputStream in = AsTokenEndpointTest.class.getResourceAsStream("/demo-policy.json")) {
            policy = json.readValue(in, new TypeReference<>() { });
        }
        @SuppressWarnings("unchecked")
        List<Object> asClients = new ArrayList<>((List<Object>) policy.get("asClients"));
        asClients.add(Map.of("clientId", PKJ_CLIENT, "jwks", new JWKSet(key.toPublicJWK()).toJSONObject(true)));
        policy.put("asClients", asClients);
        Path file = dir.resolve("policy.json");
        Files.writeString(file, json.writeValueAsString(policy));
        return file;
    }

    @AfterAll
    static void stop() throws Exception {
        issuer.close();
    }

    @Test
    void clientSecretBasicRedeemsAnIdJagForAnAtJwtAudienceRestrictedToTheResource() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.redeem(issuer,
                TestIdJag.of(issuer, "alice", "notes", "notes.read notes.write").sign());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.json()).containsEntry("token_type", "Bearer")
                .containsEntry("scope", "notes.read notes.write")
                .containsEntry("expires_in", (int) AT_TTL.toSeconds())
                .doesNotContainKey("refresh_token");

        SignedJWT at = SignedJWT.parse((String) r.json().get("access_token"));
        assertThat(at.getHeader().getType().toString()).isEqualTo("at+jwt");
        assertThat(at.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        RSAKey asKey = (RSAKey) JWKSet.load(new URL(issuer.asIssuer() + "/jwks")).getKeyByKeyId(at.getHeader().getKeyID());
        assertThat(asKey).as("kid names a key in the AS JWKS").isNotNull();
        assertThat(at.verify(new RSASSAVerifier(asKey))).isTrue();

        JWTClaimsSet c = at.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo(issuer.asIssuer().toString());
        assertThat(c.getSubject()).isEqualTo("alice");
        assertThat(c.getAudience()).containsExactly(issuer.server("notes").toString());
        assertThat(c.getStringClaim("client_id")).isEqualTo(TestIdJag.CLIENT);
        assertThat(c.getStringClaim("scope")).isEqualTo("notes.read notes.write");
        assertThat(c.getJWTID()).isNotBlank();
        assertThat(Duration.between(c.getIssueTime().toInstant(), c.getExpirationTime().toInstant())).isEqualTo(AT_TTL);
    }

    @Test
    void clientSecretPostIsAccepted() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), List.of(
                new String[] {"grant_type", TokenEndpoint.JWT_BEARER},
                new String[] {"assertion", TestIdJag.of(issuer, "alice", "tickets", "tickets.read").sign()},
                new String[] {"client_id", TestIdJag.CLIENT},
                new String[] {"client_secret", TestIdJag.CLIENT_SECRET}), null, null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).containsEntry("scope", "tickets.read").doesNotContainKey("refresh_token");
        assertThat(SignedJWT.parse((String) r.json().get("access_token")).getJWTClaimsSet().getAudience())
                .containsExactly(issuer.server("tickets").toString());
    }

    @Test
    void privateKeyJwtIsAcceptedAndTheIdJagClientIdMustNameThatClient() throws Exception {
        PrivateKeyJWT auth = new PrivateKeyJWT(new ClientID(PKJ_CLIENT), TokenEndpoint.tokenUri(issuer),
                JWSAlgorithm.RS256, clientKey.toRSAPrivateKey(), clientKey.getKeyID(), null);
        List<String[]> form = new ArrayList<>();
        form.add(new String[] {"grant_type", TokenEndpoint.JWT_BEARER});
        form.add(new String[] {"assertion", TestIdJag.of(issuer, "alice", "notes", "notes.read")
                .claim("client_id", PKJ_CLIENT).sign()});
        auth.toParameters().forEach((k, vs) -> vs.forEach(v -> form.add(new String[] {k, v})));

        TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), form, null, null);

        assertThat(r.status()).isEqualTo(200);
        JWTClaimsSet c = SignedJWT.parse((String) r.json().get("access_token")).getJWTClaimsSet();
        assertThat(c.getStringClaim("client_id")).isEqualTo(PKJ_CLIENT);
        assertThat(c.getSubject()).isEqualTo("alice");
    }

    @Test
    void grantsTheIntersectionOfIdJagScopeAndRequestedScope() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.redeem(issuer,
                TestIdJag.of(issuer, "alice", "notes", "notes.read notes.write").sign(),
                "scope", "notes.read tickets.read", "resource", issuer.server("notes").toString());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json()).containsEntry("scope", "notes.read");
        assertThat(SignedJWT.parse((String) r.json().get("access_token")).getJWTClaimsSet().getStringClaim("scope"))
                .isEqualTo("notes.read");
    }

    @Test
    void acceptsAnAudienceGivenAsAOneElementArray() throws Exception {
        TokenEndpoint.Reply r = TokenEndpoint.redeem(issuer, TestIdJag.of(issuer, "alice", "notes", "notes.read")
                .claim("aud", List.of(issuer.asIssuer().toString())).sign());

        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void auditsAllowAndDenyWithoutTokenBytes() throws Exception {
        String idJag = TestIdJag.of(issuer, "alice", "notes", "notes.read").claim("client_id", "audit-probe").sign();
        String good = TestIdJag.of(issuer, "alice", "notes", "notes.read").sign();
        TokenEndpoint.Reply denied = TokenEndpoint.redeem(issuer, idJag);
        TokenEndpoint.Reply allowed = TokenEndpoint.redeem(issuer, good);

        assertThat(denied.error()).isEqualTo("invalid_grant");
        String audit = Files.readString(issuer.auditFile());
        assertThat(audit).contains("\"event\":\"jwt-bearer\"", "\"decision\":\"deny\"", "\"decision\":\"allow\"",
                "\"user\":\"alice\"", "\"client\":\"xaa-desktop-mcp\"");
        assertThat(audit).doesNotContain(idJag, good, (String) allowed.json().get("access_token"),
                idJag.split("\\.")[2], TestIdJag.CLIENT_SECRET);
    }
}
