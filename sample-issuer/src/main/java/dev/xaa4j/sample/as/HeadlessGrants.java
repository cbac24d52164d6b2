package dev.xaa4j.sample.as;

import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AccessTokenResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
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
import dev.xaa4j.sample.policy.Policy;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The grants for agents without a person at the MCP AS's token endpoint, beside the ID-JAG jwt-bearer grant of
 * {@link TokenServlet}:
 * <ul>
 *   <li>{@code client_credentials} (RFC 6749 §4.4; SEP-1046): a client of {@code asClients} authenticated by
 *       {@code client_secret_basic}, {@code client_secret_post} or {@code private_key_jwt}, listed in the policy's
 *       {@code headless.clients}; the token's {@code sub} and {@code client_id} are the client (audit event
 *       {@code client-credentials});</li>
 *   <li>jwt-bearer with a <b>workload JWT</b> (RFC 7523 §2.1; SEP-1933), recognised by an {@code iss} of a trusted
 *       workload issuer and a {@code typ} other than the ID-JAG's: no client authentication (if one is sent it
 *       must verify), {@code client_id} optional; the token's {@code sub} is the workload (audit event
 *       {@code workload-jwt-bearer}).</li>
 * </ul>
 * Both take exactly one {@code resource} (an MCP server of this AS, else {@code invalid_target}) and an optional
 * {@code scope}: granted = requested ∩ the scopes the policy gives the client or workload for that server (all of
 * them without {@code scope}); none → {@code invalid_scope}. Not allowed the grant → {@code unauthorized_client}.
 * No refresh token. A DPoP proof (RFC 9449, checked first by {@link DPoPVerifier}) binds the token as at the
 * ID-JAG path. Thread-safe.
 */
final class HeadlessGrants {

    private static final Logger LOG = LoggerFactory.getLogger(HeadlessGrants.class);

    private final URI issuer;
    private final ClientAuthenticator clients;
    private final WorkloadJwtValidator workloads;
    private final Policy.Headless policy;
    private final Map<URI, Policy.Resource> resources;
    private final AccessTokenMinter minter;
    private final AuditLog audit;
    private final DPoPVerifier dpop;

    /** @param dpop checks a DPoP proof first; a valid one binds the token ({@code cnf.jkt}, {@code token_type DPoP}) */
    HeadlessGrants(URI issuer, ClientAuthenticator clients, WorkloadJwtValidator workloads, Policy.Headless policy,
                   Map<URI, Policy.Resource> resources, AccessTokenMinter minter, AuditLog audit, DPoPVerifier dpop) {
        this.dpop = dpop;
        this.issuer = issuer;
        this.clients = clients;
        this.workloads = workloads;
        this.policy = policy;
        this.resources = Map.copyOf(resources);
        this.minter = minter;
        this.audit = audit;
    }

    /** What one request has shown so far; every audit line carries it. */
    private static final class Decision {
        final String event;
        String subject;
        String client;
        String resource;
        List<String> requested;
        Optional<JWKThumbprintConfirmation> cnf = Optional.empty();

        Decision(String event) {
            this.event = event;
        }
    }

    /**
     * Answers {@code http} if it is one of these grants and returns {@code true}; {@code false} leaves it to the
     * ID-JAG path (every other request, including malformed ones).
     */
    boolean answer(HTTPRequest http, HttpServletResponse resp) throws IOException {
        Map<String, List<String>> params;
        try {
            params = http.getBodyAsFormParameters();
        } catch (ParseException e) {
            return false;
        }
        List<String> grantType = params.getOrDefault("grant_type", List.of());
        if (grantType.size() != 1) {
            return false;
        }
        if (GrantType.CLIENT_CREDENTIALS.getValue().equals(grantType.get(0))) {
            respond(http, resp, new Decision("client-credentials"), d -> clientCredentials(http, d));
            return true;
        }
        List<String> assertion = params.getOrDefault("assertion", List.of());
        if (GrantType.JWT_BEARER.getValue().equals(grantType.get(0)) && assertion.size() == 1
                && parsed(assertion.get(0)) instanceof SignedJWT jwt && workloads.claimsToBeWorkloadJwt(jwt)) {
            respond(http, resp, new Decision("workload-jwt-bearer"), d -> workload(http, jwt, d));
            return true;
        }
        return false;
    }

    private interface Grant {
        AccessTokenMinter.Minted mint(Decision d) throws GrantRejected;
    }

    private void respond(HTTPRequest http, HttpServletResponse resp, Decision d, Grant grant) throws IOException {
        try {
            d.cnf = dpop.atTokenEndpoint(http, URI.create(issuer + "/token"), DPoPModes.Side.AS);
        } catch (DPoPRejected e) {
            audit.record(d.event, null, null, issuer.toString(), null, null, null, "deny", e.reason());
            DPoPVerifier.answerTokenRequest(resp, e);
            return;
        }
        try {
            AccessTokenMinter.Minted at = grant.mint(d);
            String jkt = d.cnf.map(c -> c.getValue().toString()).orElse(null);
            audit.record(d.event, d.subject, d.client, issuer.toString(), d.resource, d.requested, at.scopes(),
                    "allow", "access token issued", d.cnf.isPresent(), jkt);
            Scope scope = new Scope(at.scopes().toArray(String[]::new));
            AccessToken token = d.cnf.isPresent()
                    ? new DPoPAccessToken(at.value(), at.lifetime().toSeconds(), scope)
                    : new BearerAccessToken(at.value(), at.lifetime().toSeconds(), scope);
            Http.nimbus(resp, new AccessTokenResponse(new Tokens(token, null)).toHTTPResponse());
        } catch (GrantRejected e) {
            audit.record(d.event, d.subject, d.client, issuer.toString(), d.resource, d.requested, null, "deny",
                    e.error().getCode() + ": " + e.getMessage());
            LOG.info("{} denied for {}: {} ({})", d.event, d.subject, e.error().getCode(), e.getMessage());
            Http.tokenError(resp, e.error(), e.getMessage());
        }
    }

    private AccessTokenMinter.Minted clientCredentials(HTTPRequest http, Decision d) throws GrantRejected {
        d.client = TokenServlet.authenticateClient(clients, http);
        d.subject = d.client;
        TokenRequest request = parse(http, d);
        Policy.ServiceClient allowed = policy.client(d.client).orElseThrow(() -> new GrantRejected(
                OAuth2Error.UNAUTHORIZED_CLIENT, "client '" + d.client + "' may not use client_credentials here; "
                + "ask the administrator to list it under headless.clients"));
        URI resource = resource(request, d);
        return minter.mint(d.client, d.client, resource, granted(allowed.scopes(), resource, request.getScope()), d.cnf);
    }

    private AccessTokenMinter.Minted workload(HTTPRequest http, SignedJWT jwt, Decision d) throws GrantRejected {
        TokenRequest request = parse(http, d);
        String authenticated = authenticates(http) ? TokenServlet.authenticateClient(clients, http) : null;
        String named = authenticated != null ? authenticated
                : request.getClientID() == null ? null : request.getClientID().getValue();
        d.client = named;
        Policy.Workload workload = workloads.validate(jwt);
        d.subject = workload.subject();
        if (workload.clientId() != null && named != null && !workload.clientId().equals(named)) {
            throw new GrantRejected(OAuth2Error.UNAUTHORIZED_CLIENT, "workload '" + workload.subject()
                    + "' may not act as client '" + named + "'");
        }
        URI resource = resource(request, d);
        return minter.mint(workload.subject(), named != null ? named : workload.subject(), resource,
                granted(workload.scopes(), resource, request.getScope()), d.cnf);
    }

    private static TokenRequest parse(HTTPRequest http, Decision d) throws GrantRejected {
        try {
            TokenRequest r = TokenRequest.parse(http);
            d.requested = r.getScope() == null ? null : r.getScope().toStringList();
            return r;
        } catch (ParseException e) {
            ErrorObject err = e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject();
            throw new GrantRejected(err, e.getMessage());
        }
    }

    /** Whether {@code http} carries a client authentication (a malformed one counts: it must fail). */
    private static boolean authenticates(HTTPRequest http) {
        try {
            return ClientAuthentication.parse(http) != null;
        } catch (ParseException e) {
            return true;
        }
    }

    private URI resource(TokenRequest request, Decision d) throws GrantRejected {
        List<URI> rs = request.getResources();
        if (rs == null || rs.size() != 1) {
            throw new GrantRejected(rs == null ? OAuth2Error.INVALID_REQUEST : OAuth2Error.INVALID_TARGET,
                    "exactly one resource is required: the MCP server's resource identifier (RFC 8707)");
        }
        d.resource = rs.get(0).toString();
        if (!resources.containsKey(rs.get(0))) {
            throw new GrantRejected(OAuth2Error.INVALID_TARGET, "resource is not an MCP server of this "
                    + "authorization server");
        }
        return rs.get(0);
    }

    /** Requested ∩ allowed ∩ the resource's scopes; all allowed of the resource without a request. */
    private List<String> granted(List<String> allowed, URI resource, Scope requested) throws GrantRejected {
        List<String> ofResource = resources.get(resource).scopes();
        List<String> granted = allowed.stream().filter(ofResource::contains)
                .filter(s -> requested == null || requested.contains(s)).toList();
        if (granted.isEmpty()) {
            throw new GrantRejected(OAuth2Error.INVALID_SCOPE, requested == null
                    ? "the policy grants no scope on this MCP server"
                    : "none of the requested scopes " + requested + " is granted on this MCP server");
        }
        return granted;
    }

    private static Object parsed(String jwt) {
        try {
            return JWTParser.parse(jwt);
        } catch (java.text.ParseException e) {
            return null;
        }
    }
}
