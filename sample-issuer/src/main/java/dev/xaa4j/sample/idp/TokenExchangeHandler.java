package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.token.NAAccessToken;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.Tokens;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.policy.Policy;
import dev.xaa4j.sample.policy.PolicyEngine;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Token exchange issuing ID-JAGs (RFC 8693 profiled by draft-ietf-oauth-identity-assertion-authz-grant;
 * docs/protocol.md §1 step 2 and §3.2), in the order of §3.2: requested and subject token types, subject token
 * (an ID token issued to this client, or one of its current refresh tokens unless {@link IdpFeatures} switched
 * that off), {@code audience} = a known AS
 * issuer, {@code resource} paired with that audience, the policy decision, then the ID-JAG. Every decision
 * after client authentication is audited with the scopes requested and granted.
 *
 * <p>Error codes: malformed request or unacceptable subject token → {@code invalid_request} (RFC 8693
 * §2.2.2), except a dead refresh token subject → {@code invalid_grant} (MCP clients read that as "sign in
 * again" and {@code invalid_request} as "no refresh-token subject here"); unknown audience or resource not paired with it → {@code invalid_target}; not entitled or grant
 * revoked → {@code access_denied} (docs/protocol.md §5).
 */
final class TokenExchangeHandler implements GrantHandler {

    static final TokenTypeURI ID_JAG = tokenType("urn:ietf:params:oauth:token-type:id-jag");

    private static final String EVENT = "token-exchange";

    private final URI asIssuer;
    private final AudienceResourcePairs pairs;
    private final SubjectTokenValidator idTokens;
    private final RefreshTokenFamilies refreshTokens;
    private final IdJagMinter idJags;
    private final PolicyEngine policy;
    private final AuditLog audit;
    private final IdpFeatures features;

    TokenExchangeHandler(URI asIssuer, AudienceResourcePairs pairs, SubjectTokenValidator idTokens,
                         RefreshTokenFamilies refreshTokens, IdJagMinter idJags, PolicyEngine policy,
                         AuditLog audit, IdpFeatures features) {
        this.features = features;
        this.asIssuer = asIssuer;
        this.pairs = pairs;
        this.idTokens = idTokens;
        this.refreshTokens = refreshTokens;
        this.idJags = idJags;
        this.policy = policy;
        this.audit = audit;
    }

    /** What is known about the request so far; every audit line carries it. */
    private static final class Decision {
        final String client;
        final List<String> requested;
        String user;
        String subjectType;
        String audience;
        String resource;

        Decision(String client, Scope requested) {
            this.client = client;
            this.requested = requested == null ? List.of() : requested.toStringList();
        }
    }

    @Override
    public HTTPResponse handle(TokenRequest request, Policy.IdpClient client) throws GrantRejected {
        return handle(request, client, Optional.empty());
    }

    /** With a DPoP proof's key, the ID-JAG carries {@code cnf.jkt} (docs/protocol.md §3.2 item 7). */
    @Override
    public HTTPResponse handle(TokenRequest request, Policy.IdpClient client,
                               Optional<JWKThumbprintConfirmation> proofKey) throws GrantRejected {
        TokenExchangeGrant grant = (TokenExchangeGrant) request.getAuthorizationGrant();
        Decision d = new Decision(client.clientId(), request.getScope());
        d.audience = single(grant.getAudience());
        d.resource = single(request.getResources());

        if (!ID_JAG.equals(grant.getRequestedTokenType())) {
            throw deny(d, OAuth2Error.INVALID_REQUEST, "requested_token_type must be " + ID_JAG);
        }
        SubjectTokenValidator.Subject subject = subject(grant, client.clientId(), d);
        d.user = subject.username();
        Policy.User user = policy.policy().user(subject.username())
                .orElseThrow(() -> deny(d, OAuth2Error.INVALID_REQUEST, "subject_token names an unknown user"));

        String resourceName = target(grant, request, d);
        PolicyEngine.Decision decision = policy.decide(user.username(), resourceName, d.requested);
        if (!decision.allowed()) {
            throw deny(d, OAuth2Error.ACCESS_DENIED,
                    "user '" + user.username() + "' may not use '" + resourceName + "': " + decision.reason());
        }
        var idJag = idJags.mint(user, d.audience, client.asClientId(), d.resource, decision.granted(),
                subject.authTime(), proofKey);
        audit.record(EVENT, d.user, d.client, d.audience, d.resource, d.requested, decision.granted(), "allow",
                decision.reason(), d.subjectType, proofKey.isPresent(),
                proofKey.map(k -> k.getValue().toString()).orElse(null));
        NAAccessToken token = new NAAccessToken(idJag.serialize(), idJags.lifetime().toSeconds(),
                new Scope(decision.granted().toArray(String[]::new)), ID_JAG);
        return new AccessTokenResponse(new Tokens(token, null)).toHTTPResponse();
    }

    private SubjectTokenValidator.Subject subject(TokenExchangeGrant grant, String clientId, Decision d)
            throws GrantRejected {
        TokenTypeURI type = grant.getSubjectTokenType();
        String token = grant.getSubjectToken().getValue();
        d.subjectType = TokenTypeURI.ID_TOKEN.equals(type) ? "id_token"
                : TokenTypeURI.REFRESH_TOKEN.equals(type) ? "refresh_token" : String.valueOf(type);
        if (TokenTypeURI.REFRESH_TOKEN.equals(type)) {
            return refreshTokenSubject(token, clientId, d);
        }
        try {
            if (TokenTypeURI.ID_TOKEN.equals(type)) {
                return idTokens.validateIdToken(token, clientId);
            }
        } catch (GrantRejected e) {
            // RFC 8693 §2.2.2: an invalid or unacceptable subject_token is invalid_request.
            throw deny(d, OAuth2Error.INVALID_REQUEST, e.description().startsWith("subject_token")
                    ? e.description() : "subject_token: " + e.description());
        }
        throw deny(d, OAuth2Error.INVALID_REQUEST, "subject_token_type must be " + TokenTypeURI.ID_TOKEN
                + " or " + TokenTypeURI.REFRESH_TOKEN);
    }

    /**
     * An IdP refresh token as the subject (ID-JAG draft -04 §4.3.2): checked as for a refresh grant but not rotated.
     * Switched off ({@link IdpFeatures}): {@code invalid_request}, as from an IdP without that support (RFC 8693
     * §2.2.2). Revoked, expired, used or another client's: {@code invalid_grant}, so a client knows the refresh
     * token itself is dead rather than unsupported. The user's entitlements are read afresh by the caller.
     */
    private SubjectTokenValidator.Subject refreshTokenSubject(String token, String clientId, Decision d)
            throws GrantRejected {
        if (!features.refreshTokenSubject()) {
            throw deny(d, OAuth2Error.INVALID_REQUEST, "subject_token_type " + TokenTypeURI.REFRESH_TOKEN
                    + " is not supported by this IdP; present an ID token (" + TokenTypeURI.ID_TOKEN + ")");
        }
        try {
            RefreshTokenFamilies.Session s = refreshTokens.current(token, clientId);
            return new SubjectTokenValidator.Subject(s.username(), s.authTime());
        } catch (GrantRejected e) {
            throw deny(d, e.error(), "subject_token: " + e.description());
        }
    }

    /** Checks audience and resource against the pair table; returns the resource's policy name. */
    private String target(TokenExchangeGrant grant, TokenRequest request, Decision d) throws GrantRejected {
        if (grant.getAudience() == null || grant.getAudience().isEmpty()) {
            throw deny(d, OAuth2Error.INVALID_REQUEST, "audience is required: the MCP authorization server's issuer");
        }
        if (grant.getAudience().size() > 1) {
            throw deny(d, OAuth2Error.INVALID_REQUEST, "exactly one audience is allowed");
        }
        if (!pairs.isKnownAudience(d.audience)) {
            throw deny(d, OAuth2Error.INVALID_TARGET, "audience is not a known MCP authorization server (expected "
                    + asIssuer + ")");
        }
        if (request.getResources() == null || request.getResources().isEmpty()) {
            throw deny(d, OAuth2Error.INVALID_REQUEST, "resource is required: the MCP server's resource identifier");
        }
        if (request.getResources().size() > 1) {
            throw deny(d, OAuth2Error.INVALID_REQUEST, "exactly one resource is allowed");
        }
        return pairs.resourceName(d.audience, d.resource).orElseThrow(() -> deny(d, OAuth2Error.INVALID_TARGET,
                "resource is not an MCP server of this authorization server"));
    }

    private GrantRejected deny(Decision d, ErrorObject error, String reason) {
        audit.record(EVENT, d.user, d.client, d.audience, d.resource, d.requested, List.of(), "deny",
                reason, d.subjectType);
        return new GrantRejected(error, reason);
    }

    private static String single(List<?> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        Object v = values.get(0);
        return v instanceof Audience a ? a.getValue() : v.toString();
    }

    private static TokenTypeURI tokenType(String uri) {
        try {
            return TokenTypeURI.parse(uri);
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
