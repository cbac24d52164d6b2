package dev.xaa4j.connector.signin;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.time.Clock;
import java.time.Duration;

/**
 * CONTRACT (implemented by the sign-in work): full ID token validation (PROTOCOL.md §3.1, OIDC Core
 * §3.1.3.7) with Nimbus: JWKS signature with {@code kid} rotation (refetch once on unknown kid), alg
 * allow-list (no none, no HMAC), iss, aud/azp, exp/iat with skew, nonce when expected. Throws
 * {@link dev.xaa4j.connector.ConnectorException} subclasses with no token bytes in messages.
 */
public final class IdTokenVerifier {

    public IdTokenVerifier(OIDCProviderMetadata idp, String clientId, Clock clock, Duration clockSkew) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** @param expectedNonce the nonce sent in the authorization request; {@code null} after a refresh */
    public JWTClaimsSet verify(String idToken, Nonce expectedNonce) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
