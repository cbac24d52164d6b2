package dev.xaa4j.sample.as;

import static dev.xaa4j.sample.as.Headless.workloadGrant;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.SampleIssuerPerClass;
import dev.xaa4j.sample.SampleIssuers;
import dev.xaa4j.testing.MutableClock;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jwt-bearer with a workload JWT (SEP-1933) at the MCP AS, over real HTTP, the JWT from {@code {idp}/workload}. */
class WorkloadJwtBearerTest extends SampleIssuerPerClass {

    static MutableClock clock;

    @BeforeAll
    protected static void startIssuer() throws Exception {
        clock = new MutableClock(Instant.now());
        issuer = SampleIssuers.start(issuerState, UnaryOperator.identity(), clock);
    }

    static URI notes() {
        return issuer.server("notes");
    }

    static TokenEndpoint.Reply redeem(String jwt, URI resource, String scope) throws Exception {
        return TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), workloadGrant(jwt, resource, scope), null, null);
    }

    @Test
    void theWorkloadIssuerPublishesItsKeysAndDiscovery() throws Exception {
        assertThat(issuer.readyDocument()).containsEntry("workloadIssuer", issuer.idpIssuer() + "/workload");
        JWKSet keys = JWKSet.load(issuer.workloadIssuer().jwksUri().toURL());
        assertThat(keys.getKeys()).singleElement().satisfies(k -> assertThat(k.isPrivate()).isFalse());
        var md = com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata.resolve(
                new com.nimbusds.oauth2.sdk.id.Issuer(issuer.workloadIssuer().issuer()));
        assertThat(md.getJWKSetURI()).isEqualTo(issuer.workloadIssuer().jwksUri());
    }

    @Test
    void aValidWorkloadJwtIsRedeemedOnceForAServiceToken() throws Exception {
        String jwt = Headless.workloadToken(issuer, "ci-job-1", null, 300);
        TokenEndpoint.Reply r = redeem(jwt, notes(), null);
        assertThat(r.status()).as("%s", r.json()).isEqualTo(200);
        assertThat(r.json()).containsEntry("scope", "notes.read").doesNotContainKey("refresh_token");
        JWTClaimsSet at = SignedJWT.parse((String) r.json().get("access_token")).getJWTClaimsSet();
        assertThat(at.getSubject()).isEqualTo("ci-job-1");
        assertThat(at.getAudience()).containsExactly(notes().toString());

        TokenEndpoint.Reply replayed = redeem(jwt, notes(), null);
        assertThat(replayed.status()).isEqualTo(400);
        assertThat(replayed.error()).isEqualTo("invalid_grant");
        assertThat(replayed.description()).contains("jti has already been used");
        String audit = Files.readString(issuer.auditFile());
        assertThat(audit).contains("\"event\":\"workload-jwt-bearer\"").doesNotContain(jwt)
                .doesNotContain((String) r.json().get("access_token"));
    }

    @Test
    void aClientAuthenticationThatIsSentMustVerify() throws Exception {
        String jwt = Headless.workloadToken(issuer, "ci-job-1", null, 300);
        TokenEndpoint.Reply wrong = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), workloadGrant(jwt, notes(),
                null), Headless.CI_CLIENT, "not-the-secret");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.error()).isEqualTo("invalid_client");
        TokenEndpoint.Reply right = TokenEndpoint.post(TokenEndpoint.tokenUri(issuer), workloadGrant(jwt, notes(),
                null), Headless.CI_CLIENT, Headless.CI_SECRET);
        assertThat(right.status()).as("%s", right.json()).isEqualTo(200);
        assertThat(SignedJWT.parse((String) right.json().get("access_token")).getJWTClaimsSet()
                .getStringClaim("client_id")).isEqualTo(Headless.CI_CLIENT);
    }

    @Test
    void anExpiredWorkloadJwtIsInvalidGrant() throws Exception {
        String jwt = Headless.workloadToken(issuer, "ci-job-1", null, 30);
        clock.advance(Duration.ofSeconds(30).plus(IdJagValidator.SKEW).plusSeconds(2));
        TokenEndpoint.Reply r = redeem(jwt, notes(), null); // the issuer's clock stays ahead: all its times agree
        assertThat(r.error()).isEqualTo("invalid_grant");
        assertThat(r.description()).contains("expired");
    }

    @Test
    void aWorkloadJwtForAnotherAudienceIsInvalidGrant() throws Exception {
        String jwt = Headless.workloadToken(issuer, "ci-job-1", "https://other-as.example", 300);
        TokenEndpoint.Reply r = redeem(jwt, notes(), null);
        assertThat(r.error()).isEqualTo("invalid_grant");
        assertThat(r.description()).contains("aud must name this authorization server");
    }

    @Test
    void aWorkloadJwtFromAnotherSignerIsInvalidGrant() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).keyID(
                issuer.workloadIssuer().jwksUri().toString()).generate();
        String kid = JWKSet.load(issuer.workloadIssuer().jwksUri().toURL()).getKeys().get(0).getKeyID();
        Instant now = clock.instant();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID(kid).build(), new JWTClaimsSet.Builder().issuer(issuer.workloadIssuer().issuer().toString())
                .subject("ci-job-1").audience(issuer.asIssuer().toString()).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300))).jwtID(UUID.randomUUID().toString()).build());
        forged.sign(new ECDSASigner(stranger));
        TokenEndpoint.Reply r = redeem(forged.serialize(), notes(), null);
        assertThat(r.error()).isEqualTo("invalid_grant");
        assertThat(r.description()).contains("signature does not verify");
    }

    @Test
    void anUnknownWorkloadIsInvalidGrantAndAnUngrantedScopeInvalidScope() throws Exception {
        TokenEndpoint.Reply unknown = redeem(Headless.workloadToken(issuer, "ci-job-9", null, 300), notes(), null);
        assertThat(unknown.error()).isEqualTo("invalid_grant");
        assertThat(unknown.description()).contains("'ci-job-9' is not known");
        TokenEndpoint.Reply scope = redeem(Headless.workloadToken(issuer, "ci-job-1", null, 300), notes(),
                "notes.write");
        assertThat(scope.error()).isEqualTo("invalid_scope");
        TokenEndpoint.Reply tickets = redeem(Headless.workloadToken(issuer, "ci-job-1", null, 300),
                issuer.server("tickets"), null);
        assertThat(tickets.json()).containsEntry("scope", "tickets.read");
    }

    @Test
    void aClientIdTheWorkloadMayNotUseIsUnauthorizedClient(@TempDir Path state) throws Exception {
        Map<String, Object> policy = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                WorkloadJwtBearerTest.class.getResourceAsStream("/demo-policy.json"),
                new com.fasterxml.jackson.core.type.TypeReference<>() { });
        policy.put("headless", Map.of("workloads", List.of(Map.of("subject", "deploy-bot",
                "scopes", List.of("tickets.read"), "clientId", "xaa-deployer"))));
        Path file = state.resolve("policy.json");
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(file.toFile(), policy);
        try (SampleIssuer other = SampleIssuers.start(state, s -> s.withPolicyFile(file))) {
            URI tickets = other.server("tickets");
            List<String[]> form = workloadGrant(Headless.workloadToken(other, "deploy-bot", null, 300), tickets, null);
            form.add(new String[] {"client_id", "someone-else"});
            TokenEndpoint.Reply r = TokenEndpoint.post(TokenEndpoint.tokenUri(other), form, null, null);
            assertThat(r.error()).isEqualTo("unauthorized_client");

            List<String[]> ok = workloadGrant(Headless.workloadToken(other, "deploy-bot", null, 300), tickets, null);
            ok.add(new String[] {"client_id", "xaa-deployer"});
            TokenEndpoint.Reply good = TokenEndpoint.post(TokenEndpoint.tokenUri(other), ok, null, null);
            assertThat(good.status()).as("%s", good.json()).isEqualTo(200);
            assertThat(SignedJWT.parse((String) good.json().get("access_token")).getJWTClaimsSet()
                    .getStringClaim("client_id")).isEqualTo("xaa-deployer");
        }
    }
}
