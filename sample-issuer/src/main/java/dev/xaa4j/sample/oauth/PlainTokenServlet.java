package dev.xaa4j.sample.oauth;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.xaa4j.sample.as.AccessTokenMinter;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.dpop.DPoPModes;
import dev.xaa4j.sample.dpop.DPoPRejected;
import dev.xaa4j.sample.dpop.DPoPVerifier;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plain AS's token endpoint (RFC 6749 §4.1.3, §6; RFC 7636 §4.6; RFC 8707 §2.2; RFC 9700 §4.14.2). The client
 * authenticates by its registered method. {@code authorization_code}: the single-use code (a second use revokes
 * what the first issued), same client and {@code redirect_uri}, the PKCE verifier, and {@code resource} equal to
 * the one authorized. {@code refresh_token}: rotation with reuse detection (reuse revokes the family), the scope
 * may only narrow, {@code resource} if sent must be the family's. Answers an RFC 9068 JWT access token
 * ({@code aud} = resource, {@code scope}, {@code sub}, {@code client_id}, {@code exp}) and, for a client that
 * registered the {@code refresh_token} grant, a rotating refresh token. Audit event {@code oauth-token}.
 *
 * <p>DPoP (RFC 9449 §5): a valid proof ({@code htu} = this endpoint; checked before the client's authentication and
 * the grant, so a {@code use_dpop_nonce} retry spends neither) makes the access token DPoP-bound ({@code cnf.jkt},
 * {@code token_type DPoP}) and binds a refresh-token family started with it to the proof's key: refreshing it then
 * needs a proof of that key ({@code invalid_grant} otherwise; checked before the refresh token is rotated).
 */
final class PlainTokenServlet extends HttpServlet {

    static final String EVENT = "oauth-token";

    private final OAuthClients clients;
    private final AuthorizationCodes codes;
    private final RefreshTokenFamilies refreshTokens;
    private final AccessTokenMinter minter;
    private final AuditLog audit;
    private final DPoPVerifier dpop;
    private final URI tokenEndpoint;
    /** Refresh-token family id → the RFC 7638 thumbprint of the DPoP key it is bound to. */
    private final Map<String, JWKThumbprintConfirmation> boundFamilies = new ConcurrentHashMap<>();

    PlainTokenServlet(OAuthClients clients, AuthorizationCodes codes, RefreshTokenFamilies refreshTokens,
                      AccessTokenMinter minter, AuditLog audit, DPoPVerifier dpop, URI tokenEndpoint) {
        this.dpop = dpop;
        this.tokenEndpoint = tokenEndpoint;
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
        Optional<JWKThumbprintConfirmation> cnf;
        try {
            cnf = dpop.atTokenEndpoint(req, tokenEndpoint, DPoPModes.Side.AS);
        } catch (DPoPRejected e) {
            audit.record(EVENT, null, request.getClientID() == null ? null : request.getClientID().getValue(), null,
                    null, null, null, "deny", e.reason());
            DPoPVerifier.answerTokenRequest(resp, e);
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
            Tokens tokens = type.equals(GrantType.AUTHORIZATION_CODE) ? redeemCode(request, client, cnf)
                    : type.equals(GrantType.REFRESH_TOKEN) ? refresh(request, client, cnf)
                    : null;
            if (tokens == null) {
                throw deny(null, client, null, OAuth2Error.UNSUPPORTED_GRANT_TYPE, "unsupported grant type " + type);
            }
            Http.nimbus(resp, new AccessTokenResponse(tokens).toHTTPResponse());
        } catch (GrantRejected e) {
            Http.tokenError(resp, e.error(), e.description());
        }
    }

    private Tokens redeemCode(TokenRequest request, RegisteredClient client, Optional<JWKThumbprintConfirmation> cnf)
            throws GrantRejected {
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
            cnf.ifPresent(key -> boundFamilies.put(issued.familyId(), key));
            refreshToken = new RefreshToken(issued.token());
        }
        return tokens(user, client, code.resource(), code.scope(), refreshToken, "code redeemed", cnf);
    }

    private Tokens refresh(TokenRequest request, RegisteredClient client, Optional<JWKThumbprintConfirmation> cnf)
            throws GrantRejected {
        RefreshTokenGrant grant = (RefreshTokenGrant) request.getAuthorizationGrant();
        requireBoundKey(grant.getRefreshToken().getValue(), client, cnf);
        RefreshTokenFamilies.Issued issued;
        try {
            issued = refreshTokens.rotate(grant.getRefreshToken().getValue(), client.clientId(), request.getScope());
        } catch (GrantRejected e) {
            throw deny(null, client, null, e.error(), e.description());
        }
        RefreshTokenFamilies.Session s = issued.session();
        requireResource(request, s.resource(), s.username(), client);
        Scope scope = request.getScope() == null ? s.scope() : request.getScope();
        return tokens(s.username(), client, s.resource(), scope, new RefreshToken(issued.token()), "refresh token rotated",
                cnf);
    }

    /** RFC 9449 §5: a refresh token of a DPoP-bound family is refreshed only with a proof of the same key. */
    private void requireBoundKey(String refreshToken, RegisteredClient client, Optional<JWKThumbprintConfirmation> cnf)
            throws GrantRejected {
        JWKThumbprintConfirmation bound = refreshTokens.familyOf(refreshToken).map(boundFamilies::get).orElse(null);
        if (bound == null) {
            return;
        }
        if (cnf.isEmpty()) {
            throw deny(null, client, null, OAuth2Error.INVALID_GRANT, "refresh token is DPoP-bound; send a DPoP proof "
                    + "signed with the key it was issued to");
        }
        if (!bound.equals(cnf.get())) {
            throw deny(null, client, null, OAuth2Error.INVALID_GRANT, "refresh token is DPoP-bound to another key: "
                    + "the DPoP proof's key thumbprint does not match");
        }
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
                          String reason, Optional<JWKThumbprintConfirmation> cnf) {
        List<String> accessScopes = scope.toStringList().stream().filter(s -> !s.equals("offline_access")).toList();
        AccessTokenMinter.Minted at = minter.mint(user, client.clientId(), resource, accessScopes, cnf);
        audit.record(EVENT, user, client.clientId(), null, resource.toString(), scope.toStringList(), accessScopes,
                "allow", reason + (refreshToken == null ? "" : "; refresh token issued"), cnf.isPresent(),
                cnf.map(c -> c.getValue().toString()).orElse(null));
        Scope granted = new Scope(accessScopes.toArray(String[]::new));
        AccessToken token = cnf.isPresent() ? new DPoPAccessToken(at.value(), at.lifetime().toSeconds(), granted)
                : new BearerAccessToken(at.value(), at.lifetime().toSeconds(), granted);
        return new Tokens(token, refreshToken);
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
