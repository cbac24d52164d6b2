package dev.xaa4j.sample.oauth;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.http.Http;
import dev.xaa4j.sample.idp.GrantRejected;
import dev.xaa4j.sample.idp.RefreshTokenFamilies;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * {@code POST {issuer}/revoke} (RFC 7009 §2): the client authenticates by its registered method (a public client
 * names itself with {@code client_id}); a refresh token revokes its whole family. An unknown token, or an access
 * token (a self-contained JWT that lives until {@code exp}), answers 200 (§2.2); another client's refresh token
 * {@code invalid_grant}. Audit event {@code oauth-revocation}.
 */
final class PlainRevocationServlet extends HttpServlet {

    private static final String EVENT = "oauth-revocation";

    private final OAuthClients clients;
    private final RefreshTokenFamilies refreshTokens;
    private final AuditLog audit;

    PlainRevocationServlet(OAuthClients clients, RefreshTokenFamilies refreshTokens, AuditLog audit) {
        this.clients = clients;
        this.refreshTokens = refreshTokens;
        this.audit = audit;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        TokenRevocationRequest request;
        try {
            request = TokenRevocationRequest.parse(JakartaServletUtils.createHTTPRequest(req));
        } catch (ParseException e) {
            Http.tokenError(resp, OAuth2Error.INVALID_REQUEST, "not a revocation request: " + e.getMessage());
            return;
        }
        RegisteredClient client = clients.authenticateOrRefuse(request, resp, EVENT);
        if (client == null) {
            return;
        }
        String clientId = client.clientId();
        Optional<RefreshTokenFamilies.Session> revoked;
        try {
            revoked = refreshTokens.revoke(request.getToken().getValue(), clientId);
        } catch (GrantRejected e) {
            audit.record(EVENT, null, clientId, null, null, null, null, "deny", e.description());
            Http.tokenError(resp, e.error(), e.description());
            return;
        }
        audit.record(EVENT, revoked.map(RefreshTokenFamilies.Session::username).orElse(null), clientId, null,
                revoked.map(s -> String.valueOf(s.resource())).orElse(null), null, null, "allow",
                revoked.isPresent() ? "refresh-token family revoked" : "not a refresh token of this AS (nothing to revoke)");
        resp.setStatus(200);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(0);
    }
}
