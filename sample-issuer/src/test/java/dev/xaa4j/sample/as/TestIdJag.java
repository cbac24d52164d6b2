package dev.xaa4j.sample.as;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.sample.SampleIssuer;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Mints ID-JAGs by hand exactly as docs/protocol.md §2 describes (the sample IdP's token exchange is not needed),
 * with knobs to break one rule at a time.
 */
public final class TestIdJag {

    public static final String CLIENT = "xaa-desktop-mcp";
    public static final String CLIENT_SECRET = "xaa-desktop-mcp-demo-secret";

    private JOSEObjectType type = new JOSEObjectType("oauth-id-jag+jwt");
    private RSAKey key;
    private String kid;
    private final JWTClaimsSet.Builder claims;

    private TestIdJag(RSAKey key, JWTClaimsSet.Builder claims) {
        this.key = key;
        this.kid = key.getKeyID();
        this.claims = claims;
    }

    /** A valid ID-JAG from the issuer's IdP for {@code user} at server {@code resourceName}. */
    public static TestIdJag of(SampleIssuer issuer, String user, String resourceName, String scope) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder c = new JWTClaimsSet.Builder()
                .issuer(issuer.idpIssuer().toString())
                .subject(user)
                .audience(issuer.asIssuer().toString())
                .claim("client_id", CLIENT)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .claim("resource", issuer.server(resourceName).toString());
        if (scope != null) {
            c.claim("scope", scope);
        }
        return new TestIdJag(issuer.idpKeys().current(), c);
    }

    public TestIdJag claim(String name, Object value) {
        claims.claim(name, value);
        return this;
    }

    public TestIdJag times(Duration iatOffset, Duration expOffset) {
        Instant now = Instant.now();
        claims.issueTime(Date.from(now.plus(iatOffset))).expirationTime(Date.from(now.plus(expOffset)));
        return this;
    }

    public TestIdJag type(JOSEObjectType t) {
        this.type = t;
        return this;
    }

    /** Signs with {@code other} but keeps the IdP's {@code kid} in the header (a forgery). */
    public TestIdJag signWith(RSAKey other) {
        this.key = other;
        return this;
    }

    public String sign() {
        try {
            return signed(JWSAlgorithm.RS256, new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alg: none}. */
    public String unsigned() {
        return new PlainJWT(new com.nimbusds.jose.PlainHeader.Builder().type(type).build(), claims.build())
                .serialize();
    }

    /** HMAC with a secret anyone could guess, e.g. the IdP's public modulus. */
    public String hs256(byte[] secret) {
        try {
            return signed(JWSAlgorithm.HS256, new MACSigner(secret));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims signed by {@code signer} under {@code alg}, with this token's {@code typ} and {@code kid}. */
    private String signed(JWSAlgorithm alg, JWSSigner signer) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(type).keyID(kid).build(), claims.build());
        jwt.sign(signer);
        return jwt.serialize();
    }
}
