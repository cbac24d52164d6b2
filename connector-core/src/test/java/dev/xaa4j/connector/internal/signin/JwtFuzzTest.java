package dev.xaa4j.connector.internal.signin;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.fuzz.FuzzInput;
import dev.xaa4j.connector.fuzz.LoopbackStub;
import dev.xaa4j.connector.internal.grant.ClientAuth;
import dev.xaa4j.connector.internal.grant.IdJagExchange;
import dev.xaa4j.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes JWT headers and claims as the IdP sends them: ID tokens (OIDC Core §3.1.3.7) through
 * {@link IdTokenVerifier} with the JWKS on a loopback stub, and ID-JAGs (RFC 8693 response) through
 * {@link IdJagExchange}'s binding and expiry checks. Input: {@code header-json NUL claims-json NUL raw}; the
 * header and claims are signed RS256 with the key the stub publishes, so a fuzzed token passes the signature
 * and reaches the claim checks ({@code $ISSUER} in the claims stands for the stub IdP's issuer). A non-empty {@code raw} is sent as the token verbatim instead. Property: claims
 * or a {@link ConnectorException}; a message never contains the token.
 */
@Tag("fuzz")
class JwtFuzzTest {

    @AutoClose // after the class
    static final LoopbackStub STUB = new LoopbackStub();
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));
    static final RSAKey KEY = key();
    static final String ISSUER = STUB.base() + "/idp";
    static final IdTokenVerifier VERIFIER = verifier();
    static final ClientAuth CLIENT = (endpoint, grant) -> new TokenRequest.Builder(endpoint,
            new ClientSecretBasic(new ClientID("client-1"), new Secret("client-secret-0123456789")), grant);

    @FuzzTest(maxDuration = "30s")
    @Timeout(20)
    void anyIdTokenYieldsClaimsOrARejection(byte[] data) {
        FuzzInput.allowLoopbackConnectionsOnly();
        String token = token(data);
        try {
            VERIFIER.verify(token, new Nonce("n-123"));
        } catch (ConnectorException e) {
            assertNoToken(e, token);
        }
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(20)
    void anyIdJagIsAcceptedOrRefusedWithATypedFailure(byte[] data) {
        FuzzInput.allowLoopbackConnectionsOnly();
        String token = token(data);
        STUB.answer("/token", LoopbackStub.Answer.json(200, "{\"access_token\":" + quoted(token)
                + ",\"issued_token_type\":\"urn:ietf:params:oauth:token-type:id-jag\",\"token_type\":\"N_A\"}"));
        try {
            new IdJagExchange(CLOCK, Duration.ofSeconds(5)).exchange("notes", STUB.url("/token"), CLIENT,
                    "id-token-0123456789abcdef", "https://as.example.test/", "https://mcp.example.test/mcp", Set.of());
        } catch (ConnectorException e) {
            assertNoToken(e, token);
        }
    }

    private static void assertNoToken(ConnectorException e, String token) {
        String message = String.valueOf(e.getMessage());
        if (token.length() >= 16) {
            assertThat(message).doesNotContain(token);
        }
        int dot = token.lastIndexOf('.');
        if (dot >= 0 && token.length() - dot > 16) {
            assertThat(message).as("the signature").doesNotContain(token.substring(dot + 1));
        }
    }

    /** The fuzz input as a compact JWS (header and claims signed RS256 with {@link #KEY}), or the raw part. */
    static String token(byte[] data) {
        String raw = FuzzInput.part(data, 2);
        if (!raw.isEmpty()) {
            return raw;
        }
        String input = Base64URL.encode(FuzzInput.part(data, 0).getBytes(StandardCharsets.UTF_8)) + "."
                + Base64URL.encode(FuzzInput.part(data, 1).replace("$ISSUER", ISSUER).getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(KEY.toRSAPrivateKey());
            rs256.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64URL.encode(rs256.sign());
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String quoted(String s) {
        return net.minidev.json.JSONValue.toJSONString(s);
    }

    private static RSAKey key() {
        try {
            return new RSAKeyGenerator(2048).keyID("fuzz-key").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static IdTokenVerifier verifier() {
        STUB.answer("/idp/jwks", LoopbackStub.Answer.json(200, new com.nimbusds.jose.jwk.JWKSet(KEY.toPublicJWK()).toString()));
        try {
            OIDCProviderMetadata idp = OIDCProviderMetadata.parse("{\"issuer\":\"" + ISSUER + "\","
                    + "\"authorization_endpoint\":\"" + ISSUER + "/authorize\",\"token_endpoint\":\"" + ISSUER + "/token\","
                    + "\"jwks_uri\":\"" + ISSUER + "/jwks\",\"response_types_supported\":[\"code\"],"
                    + "\"subject_types_supported\":[\"public\"],\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\"]}");
            return new IdTokenVerifier(idp, "client-1", CLOCK, Duration.ofSeconds(60), Duration.ofSeconds(5));
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
