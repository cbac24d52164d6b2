package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.policy.Policy;
import dev.xaa4j.sample.policy.PolicyEngine;
import java.util.List;

/**
 * The refresh token grant (RFC 6749 §6, OIDC Core §12) with rotation on every use and reuse detection
 * ({@link RefreshTokenFamilies}). The new ID token keeps {@code sub}, {@code aud}, {@code azp} and the
 * original {@code auth_time}, and carries no {@code nonce} (OIDC Core §12.2). A {@code scope} parameter may
 * narrow, never widen, the original scope (RFC 6749 §6: otherwise {@code invalid_scope}).
 */
final class RefreshTokenGrantHandler implements GrantHandler {

    private static final String EVENT = "refresh";

    private final RefreshTokenFamilies refreshTokens;
    private final IdTokenMinter idTokens;
    private final PolicyEngine policy;
    private final AuditLog audit;

    RefreshTokenGrantHandler(RefreshTokenFamilies refreshTokens, IdTokenMinter idTokens, PolicyEngine policy,
                             AuditLog audit) {
        this.refreshTokens = refreshTokens;
        this.idTokens = idTokens;
        this.policy = policy;
        this.audit = audit;
    }

    @Override
    public HTTPResponse handle(TokenRequest request, Policy.IdpClient client) throws GrantRejected {
        RefreshTokenGrant grant = (RefreshTokenGrant) request.getAuthorizationGrant();
        Scope requested = request.getScope();
        RefreshTokenFamilies.Issued issued;
        try {
            issued = refreshTokens.rotate(grant.getRefreshToken().getValue(), client.clientId(), requested);
        } catch (GrantRejected e) {
            audit.record(EVENT, null, client.clientId(), null, null, scopes(requested), List.of(), "deny",
                    e.description());
            throw e;
        }
        RefreshTokenFamilies.Session session = issued.session();
        Scope granted = requested == null ? session.scope() : requested;
        Policy.User user = policy.policy().user(session.username()).orElse(null);
        if (user == null) {
            deny(session.username(), client, requested, OAuth2Error.INVALID_GRANT, "user no longer exists");
        }
        HTTPResponse response = idTokens.tokenResponse(user, client.clientId(), granted, session.authTime(), null,
                new RefreshToken(issued.token()));
        audit.record(EVENT, user.username(), client.clientId(), null, null, scopes(requested),
                granted.toStringList(), "allow", "refresh token rotated");
        return response;
    }

    private void deny(String user, Policy.IdpClient client, Scope requested,
                      com.nimbusds.oauth2.sdk.ErrorObject error, String reason) throws GrantRejected {
        audit.record(EVENT, user, client.clientId(), null, null, scopes(requested), List.of(), "deny", reason);
        throw new GrantRejected(error, reason);
    }

    private static List<String> scopes(Scope s) {
        return s == null ? null : s.toStringList();
    }
}
