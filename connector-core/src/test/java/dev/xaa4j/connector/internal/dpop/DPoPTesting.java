package dev.xaa4j.connector.internal.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

/** Checks of DPoP proofs (RFC 9449 §4.2, §4.3) and ID-JAGs with {@code cnf.jkt} for the tests; a stderr capture. */
public final class DPoPTesting {

    private DPoPTesting() {
    }

    /**
     * Parses and checks {@code proof} as a server would (RFC 9449 §4.3): {@code typ}, ES256, a public {@code jwk} with
     * no private part that verifies the signature, {@code htm}, {@code htu}, a {@code jti}, {@code iat} near now.
     *
     * @return the verified claims
     */
    @SuppressWarnings("unchecked")
    public static JWTClaimsSet verify(String proof, String htm, String htu, String expectedJkt) throws Exception {
        SignedJWT jwt = SignedJWT.parse(proof);
        JWSHeader header = jwt.getHeader();
        assertThat(header.getType()).isEqualTo(new JOSEObjectType("dpop+jwt"));
        assertThat(header.getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(header.getJWK()).isInstanceOf(ECKey.class);
        assertThat(header.getJWK().isPrivate()).isFalse();
        assertThat((Map<String, Object>) header.toJSONObject().get("jwk")).containsKeys("kty", "crv", "x", "y").doesNotContainKey("d");
        assertThat(jwt.getHeader().getParsedBase64URL().decodeToString()).doesNotContain("\"d\"");
        assertThat(jwt.verify(new ECDSAVerifier((ECKey) header.getJWK()))).isTrue();
        assertThat(header.getJWK().computeThumbprint().toString()).isEqualTo(expectedJkt);
        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getStringClaim("htm")).isEqualTo(htm);
        assertThat(claims.getStringClaim("htu")).isEqualTo(htu);
        assertThat(claims.getJWTID()).hasSizeGreaterThanOrEqualTo(16);
        assertThat(claims.getIssueTime().toInstant()).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(60));
        return claims;
    }

    /** RFC 9449 §4.2 {@code ath}: base64url SHA-256 of the access token's ASCII bytes. */
    public static String ath(String accessToken) throws Exception {
        return com.nimbusds.jose.util.Base64URL.encode(java.security.MessageDigest.getInstance("SHA-256")
                .digest(accessToken.getBytes(StandardCharsets.US_ASCII))).toString();
    }

    /** An ID-JAG-shaped JWT (HS256, opaque to the client) with {@code cnf.jkt} when {@code jkt} is not null. */
    public static String idJag(String aud, String resource, String jkt) throws Exception {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer("https://idp.test").subject("alice").audience(aud)
                .claim("resource", resource).jwtID(UUID.randomUUID().toString()).issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
        if (jkt != null) {
            claims.claim("cnf", Map.of("jkt", jkt));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("oauth-id-jag+jwt")).build(),
                claims.build());
        jwt.sign(new MACSigner("0123456789abcdef0123456789abcdef"));
        return jwt.serialize();
    }

    /** Captures what is written to {@link System#err} (slf4j-simple's target) until {@link #close()}. */
    public static final class Stderr implements AutoCloseable {
        private final PrintStream original = System.err;
        private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

        public Stderr() {
            System.setErr(new PrintStream(new OutputStream() {
                @Override
                public synchronized void write(int b) {
                    original.write(b);
                    captured.write(b);
                }

                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    original.write(b, off, len);
                    captured.write(b, off, len);
                }
            }, true, StandardCharsets.UTF_8));
        }

        public synchronized String text() {
            return captured.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            System.setErr(original);
        }
    }

    /** The private part {@code d} of the key in {@code store}'s {@link DPoPKey#STORE_KEY} row. */
    public static String privatePart(dev.xaa4j.connector.internal.store.CredentialStore store) throws Exception {
        return ECKey.parse(store.read(DPoPKey.STORE_KEY).orElseThrow()).getD().toString();
    }
}
