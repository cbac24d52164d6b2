package dev.xaa4j.sample.idp;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCScopeValue;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import dev.xaa4j.sample.keys.JwtMinter;
import dev.xaa4j.sample.keys.SigningKeys;
import dev.xaa4j.sample.policy.Policy;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Mints ID tokens (OIDC Core §2, §3.1.3.6): RS256 with {@code kid}, {@code iss}, {@code sub} = user name,
 * {@code aud} = {@code azp} = the client, {@code iat}, {@code exp}, {@code auth_time}, {@code nonce} when the
 * authorization request had one, and {@code email}/{@code name} when the {@code email}/{@code profile}
 * scopes were granted (OIDC Core §5.4).
 */
final class IdTokenMinter {

    private final JwtMinter jwt;

    IdTokenMinter(URI issuer, SigningKeys keys, Clock clock, Duration ttl) {
        this.jwt = new JwtMinter(issuer, keys, clock, ttl);
    }

    Duration lifetime() {
        return jwt.lifetime();
    }

    /**
     * @param nonce {@code null} after a refresh (OIDC Core §12.2: a refreshed ID token need not carry it)
     */
    SignedJWT mint(Policy.User user, String clientId, Scope scope, Instant authTime, Nonce nonce) {
        JWTClaimsSet.Builder claims = jwt.claims(user.username())
                .audience(clientId)
                .claim("azp", clientId)
                .claim("auth_time", authTime.getEpochSecond());
        if (nonce != null) {
            claims.claim("nonce", nonce.getValue());
        }
        if (scope.contains(OIDCScopeValue.EMAIL) && user.email() != null) {
            claims.claim("email", user.email()).claim("email_verified", true);
        }
        if (scope.contains(OIDCScopeValue.PROFILE) && user.name() != null) {
            claims.claim("name", user.name()).claim("preferred_username", user.username());
        }
        return jwt.sign(JOSEObjectType.JWT, claims);
    }

    /**
     * The successful token response of the code grant (OIDC Core §3.1.3.3) and of a refresh (§12.2): a new ID
     * token ({@link #mint}), an opaque access token of the same lifetime for {@code scope}, and
     * {@code refreshToken} ({@code null}: none).
     */
    HTTPResponse tokenResponse(Policy.User user, String clientId, Scope scope, Instant authTime, Nonce nonce,
                               RefreshToken refreshToken) {
        SignedJWT idToken = mint(user, clientId, scope, authTime, nonce);
        BearerAccessToken accessToken = new BearerAccessToken(Secrets.newValue(), lifetime().toSeconds(), scope);
        return new OIDCTokenResponse(new OIDCTokens(idToken, accessToken, refreshToken)).toHTTPResponse();
    }
}
