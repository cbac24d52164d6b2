package dev.xaa4j.connector.internal.signin;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Optional;

/** Validated tokens of a completed code flow. {@link #toString()} never prints tokens. */
public record SignInResult(String idToken, JWTClaimsSet idTokenClaims, Optional<String> refreshToken) {
    @Override
    public String toString() {
        return "SignInResult[sub=" + idTokenClaims.getSubject() + ", refreshToken="
                + (refreshToken.isPresent() ? "present" : "none") + "]";
    }
}
