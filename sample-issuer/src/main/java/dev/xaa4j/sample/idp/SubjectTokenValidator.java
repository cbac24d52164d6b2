package dev.xaa4j.sample.idp;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import dev.xaa4j.sample.keys.SigningKeys;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Validates an ID token presented as {@code subject_token} in a token exchange (docs/protocol.md §3.2 step 3):
 * signed by this IdP (RS256, a published {@code kid}), {@code iss} is this IdP, unexpired by the IdP's own
 * clock, and {@code aud} names the authenticated client (with {@code azp} when there are several audiences).
 * An ID-JAG is never accepted as a subject (§3.2 step 9). Every failure is {@code invalid_request}, as RFC
 * 8693 §2.2.2 prescribes for an invalid or unacceptable subject token.
 */
final class SubjectTokenValidator {

    /** The user an accepted ID token names, and when they authenticated. */
    record Subject(String username, Instant authTime) {
    }

    private final URI issuer;
    private final SigningKeys keys;
    private final Clock clock;

    SubjectTokenValidator(URI issuer, SigningKeys keys, Clock clock) {
        this.issuer = issuer;
        this.keys = keys;
        this.clock = clock;
    }

    Subject validateIdToken(String token, String clientId) throws GrantRejected {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw reject("subject_token is not a signed JWT");
        }
        if (IdJagMinter.TYPE.equals(jwt.getHeader().getType())) {
            throw reject("subject_token is an ID-JAG; present an ID token");
        }
        if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
            throw reject("subject_token must be signed with RS256");
        }
        JWK key = jwt.getHeader().getKeyID() == null ? null : keys.publicJwks().getKeyByKeyId(jwt.getHeader().getKeyID());
        if (!(key instanceof RSAKey rsa) || !verifies(jwt, rsa)) {
            throw reject("subject_token was not signed by this IdP");
        }
        if (!issuer.toString().equals(claims.getIssuer())) {
            throw reject("subject_token was issued by another issuer");
        }
        List<String> aud = claims.getAudience();
        Object azp = claims.getClaim("azp");
        if (!aud.contains(clientId) || (aud.size() > 1 && !clientId.equals(azp))) {
            throw reject("subject_token was issued to another client (aud does not name the authenticated client)");
        }
        Date exp = claims.getExpirationTime();
        if (exp == null || !clock.instant().isBefore(exp.toInstant())) {
            throw reject("subject_token has expired; refresh the ID token and retry");
        }
        if (claims.getSubject() == null) {
            throw reject("subject_token has no sub");
        }
        return new Subject(claims.getSubject(), authTime(claims));
    }

    private static boolean verifies(SignedJWT jwt, RSAKey key) {
        try {
            return jwt.verify(new RSASSAVerifier(key));
        } catch (JOSEException e) {
            return false;
        }
    }

    private static Instant authTime(JWTClaimsSet claims) {
        Object at = claims.getClaim("auth_time");
        if (at instanceof Number n) {
            return Instant.ofEpochSecond(n.longValue());
        }
        return claims.getIssueTime() == null ? Instant.EPOCH : claims.getIssueTime().toInstant();
    }

    private static GrantRejected reject(String description) {
        return new GrantRejected(OAuth2Error.INVALID_REQUEST, description);
    }
}
