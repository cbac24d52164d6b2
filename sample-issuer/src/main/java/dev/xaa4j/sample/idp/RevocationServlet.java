package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import dev.xaa4j.sample.http.Http;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code POST /revoke} (RFC 7009 §2): token revocation at the IdP. The request is parsed with Nimbus and the
 * client authenticated as at the token endpoint (every client of the sample IdP is confidential); unauthenticated
 * → {@code invalid_client} (401). A refresh token revokes its whole family (§2.1: "the authorization server
 * SHOULD also invalidate ... related tokens"), so its rotated descendants stop working too. An unknown token,
 * or one of another type (the IdP's ID tokens are not revocable), answers 200 (§2.2); a refresh token of another
 * client answers {@code invalid_grant}. Every decision is audit-logged as {@code revocation}.
 */
final class RevocationServlet extends HttpServlet {

    private final TokenEndpointRequests requests;
    private final RefreshTokenFamilies refreshTokens;

    RevocationServlet(TokenEndpointRequests requests, RefreshTokenFamilies refreshTokens) {
        this.requests = requests;
        this.refreshTokens = refreshTokens;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<TokenEndpointRequests.Accepted<TokenRevocationRequest>> accepted = requests.accept(req, resp,
                TokenRevocationRequest::parse, r -> "revocation");
        if (accepted.isEmpty()) {
            return;
        }
        TokenRevocationRequest request = accepted.get().request();
        String clientId = accepted.get().client().clientId();
        Optional<RefreshTokenFamilies.Session> revoked;
        try {
            revoked = refreshTokens.revoke(request.getToken().getValue(), clientId);
        } catch (GrantRejected e) {
            requests.audit().record("revocation", null, clientId, null, null, null, null, "deny", e.description());
            Http.tokenError(resp, e.error(), e.description());
            return;
        }
        requests.audit().record("revocation", revoked.map(RefreshTokenFamilies.Session::username).orElse(null), clientId,
                null, null, null, null, "allow",
                revoked.isPresent() ? "refresh-token family revoked" : "unknown token (nothing to revoke)");
        resp.setStatus(200);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(0);
    }
}
