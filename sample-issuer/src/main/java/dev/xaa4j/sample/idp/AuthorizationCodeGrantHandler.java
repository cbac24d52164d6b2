package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCScopeValue;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.policy.Policy;
import dev.xaa4j.sample.policy.PolicyEngine;
import java.util.List;

/**
 * The authorization code grant (RFC 6749 §4.1.3, OIDC Core §3.1.3, docs/protocol.md §1 step 1c): one-time code,
 * same client, identical {@code redirect_uri}, PKCE S256 verifier (RFC 7636 §4.6). Reuse of a code revokes
 * the refresh-token family issued from it (RFC 6749 §4.1.2). Answers with an ID token, an opaque access token
 * and, only when {@code offline_access} was granted, the first refresh token of a new family.
 */
final class AuthorizationCodeGrantHandler implements GrantHandler {

    private static final String EVENT = "authorization-code";

    private final AuthorizationCodes codes;
    private final RefreshTokenFamilies refreshTokens;
    private final IdTokenMinter idTokens;
    private final PolicyEngine policy;
    private final AuditLog audit;

    AuthorizationCodeGrantHandler(AuthorizationCodes codes, RefreshTokenFamilies refreshTokens,
                                  IdTokenMinter idTokens, PolicyEngine policy, AuditLog audit) {
        this.codes = codes;
        this.refreshTokens = refreshTokens;
        this.idTokens = idTokens;
        this.policy = policy;
        this.audit = audit;
    }

    @Override
    public HTTPResponse handle(TokenRequest request, Policy.IdpClient client) throws GrantRejected {
        AuthorizationCodeGrant grant = (AuthorizationCodeGrant) request.getAuthorizationGrant();
        String clientId = client.clientId();
        AuthorizationCodes.Redemption redemption = codes.redeem(grant.getAuthorizationCode().getValue());
        if (redemption instanceof AuthorizationCodes.Redemption.Reused reused) {
            reused.familyId().ifPresent(refreshTokens::revokeFamily);
            throw deny(reused.grant().username(), clientId,
                    "authorization code was already used; tokens issued from it have been revoked");
        }
        if (redemption instanceof AuthorizationCodes.Redemption.Expired) {
            throw deny(null, clientId, "authorization code expired");
        }
        if (!(redemption instanceof AuthorizationCodes.Redemption.Valid valid)) {
            throw deny(null, clientId, "authorization code is unknown");
        }
        AuthorizationCodes.CodeGrant code = valid.grant();
        checkBinding(code, grant, clientId);
        return issue(code, valid.codeId(), client);
    }

    /** The token request must come from the same client and repeat or prove what /authorize bound. */
    private void checkBinding(AuthorizationCodes.CodeGrant code, AuthorizationCodeGrant grant, String clientId)
            throws GrantRejected {
        if (!code.clientId().getValue().equals(clientId)) {
            throw deny(code.username(), clientId, "authorization code was issued to another client");
        }
        if (grant.getRedirectionURI() == null || !grant.getRedirectionURI().toString().equals(code.redirectUri())) {
            throw deny(code.username(), clientId, "redirect_uri differs from the one sent to /authorize");
        }
        CodeVerifier verifier = grant.getCodeVerifier();
        if (verifier == null) {
            throw deny(code.username(), clientId, "code_verifier is missing (PKCE is required)");
        }
        String computed = CodeChallenge.compute(CodeChallengeMethod.S256, verifier).getValue();
        if (!Secrets.constantTimeEquals(computed, code.codeChallenge().getValue())) {
            throw deny(code.username(), clientId, "code_verifier does not match the code_challenge");
        }
    }

    private HTTPResponse issue(AuthorizationCodes.CodeGrant code, String codeId, Policy.IdpClient client)
            throws GrantRejected {
        Policy.User user = policy.policy().user(code.username())
                .orElseThrow(() -> deny(code.username(), client.clientId(), "user no longer exists"));
        RefreshToken refreshToken = null;
        if (code.scope().contains(OIDCScopeValue.OFFLINE_ACCESS)) {
            RefreshTokenFamilies.Issued issued = refreshTokens.start(new RefreshTokenFamilies.Session(
                    user.username(), client.clientId(), code.scope(), code.authTime()));
            if (!codes.linkFamily(codeId, issued.familyId())) {
                refreshTokens.revokeFamily(issued.familyId());
                throw deny(user.username(), client.clientId(),
                        "authorization code was used twice at the same time; tokens issued from it have been revoked");
            }
            refreshToken = new RefreshToken(issued.token());
        }
        audit.record(EVENT, user.username(), client.clientId(), null, null, code.scope().toStringList(),
                code.scope().toStringList(), "allow", "code redeemed");
        return idTokens.tokenResponse(user, client.clientId(), code.scope(), code.authTime(), code.nonce(),
                refreshToken);
    }

    private GrantRejected deny(String user, String clientId, String reason) {
        audit.record(EVENT, user, clientId, null, null, null, List.of(), "deny", reason);
        return new GrantRejected(OAuth2Error.INVALID_GRANT, reason);
    }
}
