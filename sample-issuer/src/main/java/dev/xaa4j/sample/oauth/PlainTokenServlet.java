package dev.xaa4j.sample.oauth;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.xaa4j.sample.as.AccessTokenMinter;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.http.Http;
import dev.xaa4j.sample.idp.AuthorizationCodes;
import dev.xaa4j.sample.idp.GrantRejected;
import dev.xaa4j.sample.idp.RefreshTokenFamilies;
import dev.xaa4j.sample.idp.Secrets;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * The plain AS's token endpoint (RFC 6749 §4.1.3, §6; RFC 7636 §4.6; RFC 8707 §2.2; RFC 9700 §4.14.2). The client
 * authenticates by its registered method. {@code authorization_code}: the single-use code (a second use revokes
 * what the first issued), same client and {@code redirect_uri}, the PKCE verifier, and {@code resource} equal to
 * the one authorized. {@code refresh_token}: rotation with reuse detection (reuse revokes the family), the scope
 * may only narrow, {@code resource} if sent must be the family's. Answers an RFC 9068 JWT access token
 * ({@code aud} = resource, {@code scope}, {@code sub}, {@code client_id}, {@code exp}) and, for a client that
 * registered the {@code refresh_token} grant, a rotating refresh token. Audit event {@code oauth-token}.
 */
final class PlainTokenServlet extends HttpServlet {

    static final String EVENT = "oauth-token";

    private final OAuthClients clients;
    private final AuthorizationCodes codes;
    private final RefreshTokenFamilies refreshTokens;
    private final AccessTokenMinter minter;
    private final AuditLog audit;

    PlainTokenServlet(OAuthClients clients, AuthorizationCodes codes, RefreshTokenFamilies refreshTokens,
                      AccessTokenMinter minter, AuditLog audit) {
        this.clients = clients;
        this.codes = codes;
        this.refreshTokens = refreshTokens;
        this.minter = minter;
        this.audit = audit;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        TokenRequest request;
        try {
            request = TokenRequest.parse(JakartaServletUtils.createHTTPRequest(req));
        } catch (ParseException e) {
            var error = e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject();
            audit.record(EVENT, null, null, null, null, null, null, "deny", "unparseable: " + e.getMessage());
            Http.tokenError(resp, error, error.getDescription() == null ? e.getMessage() : error.getDescription());
            return;
        }
        RegisteredClient client = clients.authenticateOrRefuse(request, resp, EVENT);
        if (client == null) {
            return;
        }
        GrantType type = request.getAuthorizationGrant().getType();
        try {
            if (!client.mayUse(type.getValue())) {
                throw deny(null, client, null, OAuth2Error.UNAUTHORIZED_CLIENT,
                        "client " + client.clientId() + " did not register the grant type " + type);
            }
            Tokens tokens = type.equals(GrantType.AUTHORIZATION_CODE) ? redeemCode(request, client)
                    : type.equals(GrantType.REFRESH_TOKEN) ? refresh(request, client)
                    : null;
            if (tokens == null) {
                throw deny(null, client, null, OAuth2Error.UNSUPPORTED_GRANT_TYPE, "unsupported grant type " + type);
            }
            Http.nimbus(resp, new AccessTokenResponse(tokens).toHTTPResponse());
        } catch (GrantRejected e) {
            Http.tokenError(resp, e.error(), e.description());
        }
    }

    private Tokens redeemCode(TokenRequest request, RegisteredClient client) throws GrantRejected {
        AuthorizationCodeGrant grant = (AuthorizationCodeGrant) request.getAuthorizationGrant();
        AuthorizationCodes.Redemption r = codes.redeem(grant.getAuthorizationCode().getValue());
        if (r instanceof AuthorizationCodes.Redemption.Reused reused) {
            reused.familyId().ifPresent(refreshTokens::revokeFamily);
            throw invalidGrant(reused.grant().username(), client, "authorization code was already used; tokens "
                    + "issued from it have been revoked");
        }
        if (!(r instanceof AuthorizationCodes.Redemption.Valid valid)) {
            throw invalidGrant(null, client, r instanceof AuthorizationCodes.Redemption.Expired
                    ? "authorization code expired" : "authorization code is unknown");
        }
        AuthorizationCodes.CodeGrant code = valid.grant();
        String user = code.username();
        if (!code.clientId().getValue().equals(client.clientId())) {
            throw invalidGrant(user, client, "authorization code was issued to another client");
        }
        if (grant.getRedirectionURI() == null || !grant.getRedirectionURI().toString().equals(code.redirectUri())) {
            throw invalidGrant(user, client, "redirect_uri differs from the one sent to the authorization endpoint");
        }
        if (grant.getCodeVerifier() == null || !Secrets.constantTimeEquals(code.codeChallenge().getValue(),
                CodeChallenge.compute(CodeChallengeMethod.S256, grant.getCodeVerifier()).getValue())) {
            throw invalidGrant(user, client, "code_verifier is missing or does not match the code_challenge");
        }
        requireResource(request, code.resource(), user, client);
        RefreshToken refreshToken = null;
        if (client.mayUse("refresh_token")) {
            RefreshTokenFamilies.Issued issued = refreshTokens.start(new RefreshTokenFamilies.Session(user,
                    client.clientId(), code.scope(), code.authTime(), code.resource()));
            if (!codes.linkFamily(valid.codeId(), issued.familyId())) {
                refreshTokens.revokeFamily(issued.familyId());
                throw invalidGrant(user, client, "authorization code was used twice at the same time; tokens "
                        + "issued from it have been revoked");
            }
            refreshToken = new RefreshToken(issued.token());
        }
        return tokens(user, client, code.resource(), code.scope(), refreshToken, "code redeemed");
    }

    private Tokens refresh(TokenRequest request, RegisteredClient client) throws GrantRejected {
        RefreshTokenGrant grant = (RefreshTokenGrant) request.getAuthorizationGrant();
        RefreshTokenFamilies.Issued issued;
        try {
            issued = refreshTokens.rotate(grant.getRefreshToken().getValue(), client.clientId(), request.getScope());
        } catch (GrantRejected e) {
            throw deny(null, client, null, e.error(), e.description());
        }
        RefreshTokenFamilies.Session s = issued.session();
        requireResource(request, s.resource(), s.username(), client);
        Scope scope = request.getScope() == null ? s.scope() : request.getScope();
        return tokens(s.username(), client, s.resource(), scope, new RefreshToken(issued.token()), "refresh token rotated");
    }

    /** RFC 8707 §2.2: the token request names the resource the grant was made for. */
    private void requireResource(TokenRequest request, URI granted, String user, RegisteredClient client)
            throws GrantRejected {
        List<URI> sent = request.getResources() == null ? List.of() : request.getResources();
        boolean refresh = request.getAuthorizationGrant().getType().equals(GrantType.REFRESH_TOKEN);
        if (sent.isEmpty() && refresh) {
            return;
        }
        if (sent.size() != 1 || !sent.get(0).equals(granted)) {
            throw deny(user, client, granted, OAuth2Error.INVALID_TARGET, "resource must be " + granted
                    + ", the MCP server the grant was authorized for");
        }
    }

    private Tokens tokens(String user, RegisteredClient client, URI resource, Scope scope, RefreshToken refreshToken,
                          String reason) {
        List<String> accessScopes = scope.toStringList().stream().filter(s -> !s.equals("offline_access")).toList();
        AccessTokenMinter.Minted at = minter.mint(user, client.clientId(), resource, accessScopes);
        audit.record(EVENT, user, client.clientId(), null, resource.toString(), scope.toStringList(), accessScopes,
                "allow", reason + (refreshToken == null ? "" : "; refresh token issued"));
        return new Tokens(new BearerAccessToken(at.value(), at.lifetime().toSeconds(), new Scope(
                accessScopes.toArray(String[]::new))), refreshToken);
    }

    private GrantRejected invalidGrant(String user, RegisteredClient client, String reason) {
        return deny(user, client, null, OAuth2Error.INVALID_GRANT, reason);
    }

    private GrantRejected deny(String user, RegisteredClient client, URI resource,
                               com.nimbusds.oauth2.sdk.ErrorObject error, String reason) {
        audit.record(EVENT, user, client.clientId(), null, resource == null ? null : resource.toString(), null,
                List.of(), "deny", reason);
        return new GrantRejected(error, reason);
    }
}
