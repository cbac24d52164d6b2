package dev.xaa4j.connector;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Throwaway HS256 JWTs for wire tests (the connector treats ID-JAGs and access tokens as opaque). */
public final class TestJwts {
    private static final byte[] KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(KEY);
    }

    private TestJwts() {
    }

    public static String jwt(String typ, String sub, Instant iat, Instant exp) {
        return jwt(typ, sub, iat, exp, "xaa4j-test", null);
    }

    /** An ID-JAG-shaped JWT bound to {@code aud} and (if not null) {@code resource}. */
    public static String jwt(String typ, String sub, Instant iat, Instant exp, String aud, String resource) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType(typ)).build(),
                    new JWTClaimsSet.Builder().subject(sub).issuer("https://idp.test").audience(aud).claim("resource", resource)
                            .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(iat)).expirationTime(Date.from(exp)).build());
            jwt.sign(new MACSigner(KEY));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
