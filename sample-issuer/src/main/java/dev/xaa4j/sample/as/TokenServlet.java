package dev.xaa4j.sample.as;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.verifier.InvalidClientException;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.JakartaServletUtils;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.DPoPAccessToken;
import com.nimbusds.oauth2.sdk.token.Tokens;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.dpop.DPoPModes;
import dev.xaa4j.sample.dpop.DPoPRejected;
import dev.xaa4j.sample.dpop.DPoPVerifier;
import dev.xaa4j.sample.http.ClientAuthenticator;
import dev.xaa4j.sample.http.Http;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /token}: the RFC 7523 jwt-bearer grant redeeming an ID-JAG for an MCP access token
 * (docs/protocol.md §1 step 3, §3.3). Checks run in the order of §3.3, so the first broken rule is the one
 * reported; every decision is audited (event {@code jwt-bearer}, never token bytes).
 *
 * <p>Granted scope = ID-JAG {@code scope} ∩ requested {@code scope} (a request without {@code scope} asks for
 * all of the ID-JAG's scope); an empty result is {@code invalid_scope}. No refresh token is issued.
 *
 * <p>DPoP (RFC 9449 §5; docs/protocol.md §3.3 item 11): a valid proof ({@code htu} = this endpoint) binds the
 * access token ({@code cnf.jkt}, {@code token_type DPoP}); a bad one is {@code invalid_dpop_proof}; an ID-JAG with
 * {@code cnf.jkt} needs a proof with that key ({@code invalid_grant}). The proof is checked before the client's
 * authentication and the ID-JAG, so a {@code use_dpop_nonce} retry spends neither.
 */
final class TokenServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(TokenServlet.class);
    private static final String EVENT = "jwt-bearer";

    private final URI issuer;
    private final ClientAuthenticator clients;
    private final IdJagValidator validator;
    private final AccessTokenMinter minter;
    private final AuditLog audit;
    private final HeadlessGrants headless;
    private final DPoPVerifier dpop;

    TokenServlet(URI issuer, ClientAuthenticator clients, IdJagValidator validator, AccessTokenMinter minter,
                 AuditLog audit, HeadlessGrants headless, DPoPVerifier dpop) {
        this.headless = headless;
        this.dpop = dpop;
        this.issuer = issuer;
        this.clients = clients;
        this.validator = validator;
        this.minter = minter;
        this.audit = audit;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        HTTPRequest http = JakartaServletUtils.createHTTPRequest(req);
        if (headless.answer(http, resp)) { // client_credentials, workload jwt-bearer
            return;
        }
        String client = null;
        IdJag idJag = null;
        List<String> requested = null;
        Optional<JWKThumbprintConfirmation> cnf = Optional.empty();
        try {
            JWT assertion = checkGrantShape(http);
            cnf = dpop.atTokenEndpoint(req, URI.create(issuer + "/token"), DPoPModes.Side.AS);
            client = authenticateClient(clients, http);
            IdJagValidator.requireSigned(assertion); // before Nimbus, which calls an unsigned assertion invalid_request
            TokenRequest tokenRequest = parse(http);
            requested = tokenRequest.getScope() == null ? null : tokenRequest.getScope().toStringList();
            idJag = validator.validate(assertion, client, cnf);
            checkRequestedResource(tokenRequest.getResources(), idJag);
            List<String> granted = grantedScopes(idJag, tokenRequest.getScope());
            AccessTokenMinter.Minted at = minter.mint(idJag.subject(), client, idJag.resource(), granted, cnf);
            audit.record(EVENT, idJag.subject(), client, issuer.toString(), idJag.resource().toString(),
                    requested, granted, "allow", "access token issued", cnf.isPresent(), jkt(cnf));
            Scope scope = new Scope(granted.toArray(String[]::new));
            AccessToken token = cnf.isPresent()
                    ? new DPoPAccessToken(at.value(), at.lifetime().toSeconds(), scope)
                    : new BearerAccessToken(at.value(), at.lifetime().toSeconds(), scope);
            Http.nimbus(resp, new AccessTokenResponse(new Tokens(token, null)).toHTTPResponse());
        } catch (DPoPRejected e) {
            audit.record(EVENT, null, null, issuer.toString(), null, null, null, "deny", e.reason());
            LOG.info("jwt-bearer denied: {}", e.reason());
            DPoPVerifier.answerTokenRequest(resp, e);
        } catch (GrantRejected e) {
            audit.record(EVENT, idJag == null ? null : idJag.subject(), client, issuer.toString(),
                    idJag == null ? null : idJag.resource().toString(), requested, null, "deny",
                    e.error().getCode() + ": " + e.getMessage(), cnf.isPresent(), jkt(cnf));
            LOG.info("jwt-bearer denied for client {}: {} ({})", client, e.error().getCode(), e.getMessage());
            Http.tokenError(resp, e.error(), e.getMessage());
        }
    }

    private static String jkt(Optional<JWKThumbprintConfirmation> cnf) {
        return cnf.map(c -> c.getValue().toString()).orElse(null);
    }

    /** RFC 7521 §4.1: {@code grant_type} jwt-bearer and exactly one {@code assertion}, which must be a JWT. */
    private static JWT checkGrantShape(HTTPRequest http) throws GrantRejected {
        Map<String, List<String>> params;
        try {
            params = http.getBodyAsFormParameters();
        } catch (ParseException e) {
            throw new GrantRejected(OAuth2Error.INVALID_REQUEST,
                    "the token request must be an application/x-www-form-urlencoded POST");
        }
        List<String> grantType = params.getOrDefault("grant_type", List.of());
        if (grantType.isEmpty()) {
            throw new GrantRejected(OAuth2Error.INVALID_REQUEST, "grant_type is missing");
        }
        if (grantType.size() > 1) {
            throw new GrantRejected(OAuth2Error.INVALID_REQUEST, "grant_type is repeated");
        }
        if (!GrantType.JWT_BEARER.getValue().equals(grantType.get(0))) {
            throw new GrantRejected(OAuth2Error.UNSUPPORTED_GRANT_TYPE, "grant_type '" + grantType.get(0)
                    + "' is not supported; this authorization server accepts " + GrantType.JWT_BEARER + " and "
                    + GrantType.CLIENT_CREDENTIALS);
        }
        List<String> assertion = params.getOrDefault("assertion", List.of());
        if (assertion.size() != 1 || assertion.get(0).isBlank()) {
            throw new GrantRejected(OAuth2Error.INVALID_REQUEST, assertion.isEmpty()
                    ? "assertion is missing" : "exactly one assertion (the ID-JAG) is required");
        }
        try {
            return JWTParser.parse(assertion.get(0));
        } catch (java.text.ParseException e) {
            throw new GrantRejected(OAuth2Error.INVALID_GRANT, "assertion is not a JWT");
        }
    }

    /** The client {@code http} authenticates as with {@code clients}; {@code invalid_client} when none or failed. */
    static String authenticateClient(ClientAuthenticator clients, HTTPRequest http) throws GrantRejected {
        ClientAuthentication auth;
        try {
            auth = ClientAuthentication.parse(http);
        } catch (ParseException e) {
            throw new GrantRejected(OAuth2Error.INVALID_CLIENT, "malformed client authentication: " + e.getMessage());
        }
        if (auth == null) {
            throw new GrantRejected(OAuth2Error.INVALID_CLIENT, "client authentication is required "
                    + "(client_secret_basic, client_secret_post or private_key_jwt)");
        }
        try {
            return clients.authenticate(auth);
        } catch (InvalidClientException e) {
            throw new GrantRejected(OAuth2Error.INVALID_CLIENT, "client authentication failed");
        }
    }

    /** The whole request through Nimbus, now that the grant's shape and the client are known to be good. */
    private static TokenRequest parse(HTTPRequest http) throws GrantRejected {
        try {
            TokenRequest tr = TokenRequest.parse(http);
            AuthorizationGrant grant = tr.getAuthorizationGrant();
            if (!(grant instanceof JWTBearerGrant)) {
                throw new GrantRejected(OAuth2Error.UNSUPPORTED_GRANT_TYPE, "only the jwt-bearer grant is supported");
            }
            return tr;
        } catch (ParseException e) {
            ErrorObject err = e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject();
            throw new GrantRejected(err, e.getMessage());
        }
    }

    /** RFC 8707: a {@code resource} parameter, if sent, must name the ID-JAG's resource. */
    private static void checkRequestedResource(List<URI> requested, IdJag idJag) throws GrantRejected {
        if (requested == null || requested.isEmpty()) {
            return;
        }
        if (requested.size() != 1 || !requested.get(0).equals(idJag.resource())) {
            throw new GrantRejected(OAuth2Error.INVALID_TARGET, "resource parameter " + requested
                    + " does not match the ID-JAG's resource " + idJag.resource());
        }
    }

    private static List<String> grantedScopes(IdJag idJag, Scope requested) throws GrantRejected {
        List<String> granted = idJag.scopes().stream()
                .filter(s -> requested == null || requested.contains(s))
                .toList();
        if (granted.isEmpty()) {
            throw new GrantRejected(OAuth2Error.INVALID_SCOPE, idJag.scopes().isEmpty()
                    ? "the ID-JAG grants no scope"
                    : "none of the requested scopes " + requested + " is granted by the ID-JAG ("
                            + String.join(" ", idJag.scopes()) + ")");
        }
        return granted;
    }
}
