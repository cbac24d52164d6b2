package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.GrantType;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.http.ClientAuthenticator;
import dev.xaa4j.sample.http.ClientKeys;
import dev.xaa4j.sample.keys.JwksServlet;
import dev.xaa4j.sample.keys.SigningKeys;
import dev.xaa4j.sample.policy.Policy;
import dev.xaa4j.sample.policy.PolicyEngine;
import dev.xaa4j.sample.workload.WorkloadIssuer;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The sample enterprise IdP (OpenID Provider) of issue 2 item 5: OIDC discovery, JWKS, the authorization
 * endpoint with a login form (code flow + PKCE S256), and the token endpoint for authorization codes,
 * rotating refresh tokens and token exchange to ID-JAGs (docs/protocol.md §1 steps 1–2, §3.2), RFC 7009 revocation
 * of refresh tokens, plus the loopback
 * admin API. This class only wires the parts; each endpoint and grant is its own class.
 */
public final class IdentityProvider {

    static final String AUTHORIZE_PATH = "/authorize";
    static final String TOKEN_PATH = "/token";
    static final String REVOCATION_PATH = "/revoke";
    static final String JWKS_PATH = "/jwks";
    static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    private final URI issuer;
    private final SigningKeys keys;
    private final DiscoveryServlet discovery;
    private final AuthorizeServlet authorize;
    private final TokenServlet token;
    private final RevocationServlet revocation;
    private final AdminServlet admin;
    private final DevAutoApprove devAutoApprove;
    private final IdpFeatures features = new IdpFeatures();
    private final WorkloadIssuer workloads;

    public IdentityProvider(URI issuer, IssuerSettings settings, PolicyEngine policy, AuditLog audit,
                            SigningKeys keys, Clock clock, String adminToken, URI asIssuer,
                            Map<String, URI> resourcesByName, dev.xaa4j.sample.oauth.OAuthFaults oauthFaults,
                            ClientKeys clientKeys, WorkloadIssuer workloads,
                            dev.xaa4j.sample.dpop.DPoPVerifier dpop) {
        this.issuer = issuer;
        this.workloads = workloads;
        this.keys = keys;
        AuthorizationCodes codes = new AuthorizationCodes(clock, settings.authorizationCodeTtl());
        RefreshTokenFamilies refreshTokens = new RefreshTokenFamilies(clock, settings.refreshTokenTtl());
        IdTokenMinter idTokens = new IdTokenMinter(issuer, keys, clock, settings.idTokenTtl());
        IdJagMinter idJags = new IdJagMinter(issuer, keys, clock, settings.idJagTtl());

        DevAutoApprove devAutoApprove = new DevAutoApprove(settings.devAutoApproveUser(), policy.policy());
        this.devAutoApprove = devAutoApprove;

        this.discovery = new DiscoveryServlet(issuer, jwksUri());
        this.authorize = new AuthorizeServlet(issuer, policy, new PendingAuthorizations(clock), codes, audit, clock,
                devAutoApprove);
        Map<GrantType, GrantHandler> handlers = Map.of(
                GrantType.AUTHORIZATION_CODE,
                new AuthorizationCodeGrantHandler(codes, refreshTokens, idTokens, policy, audit),
                GrantType.REFRESH_TOKEN, new RefreshTokenGrantHandler(refreshTokens, idTokens, policy, audit),
                GrantType.TOKEN_EXCHANGE, new TokenExchangeHandler(asIssuer,
                        new AudienceResourcePairs(asIssuer, resourcesByName),
                        new SubjectTokenValidator(issuer, keys, clock), refreshTokens, idJags, policy, audit,
                        features));
        TokenEndpointRequests requests = new TokenEndpointRequests(
                clientAuthenticator(issuer, policy.policy(), clientKeys),
                policy.policy(), audit);
        this.token = new TokenServlet(requests, handlers, dpop, URI.create(issuer + TOKEN_PATH));
        this.revocation = new RevocationServlet(requests, refreshTokens);
        this.admin = new AdminServlet(adminToken, policy, resourcesByName, keys, audit, devAutoApprove,
                oauthFaults, new GrantsAdmin(features, clientKeys, policy.policy(), workloads, asIssuer, audit),
                dpop.modes());
    }

    private static ClientAuthenticator clientAuthenticator(URI issuer, Policy policy, ClientKeys clientKeys) {
        return ClientAuthenticator.atTokenEndpoint(issuer, URI.create(issuer + TOKEN_PATH), policy.idpClients(),
                c -> new ClientAuthenticator.Registration(c.clientId(), c.clientSecret(), c.jwks()), clientKeys);
    }

    /** The IdP's switchable features (also {@code /admin/idp-features}). */
    public IdpFeatures features() {
        return features;
    }

    /** The dev-only auto-approve mode, shared with the plain OAuth AS's authorization endpoint. */
    public DevAutoApprove devAutoApprove() {
        return devAutoApprove;
    }

    public URI jwksUri() {
        return URI.create(issuer + JWKS_PATH);
    }

    public void install(ServletContextHandler context) {
        context.addServlet(new ServletHolder(new JwksServlet(keys)), JWKS_PATH);
        context.addServlet(new ServletHolder(discovery), DISCOVERY_PATH);
        context.addServlet(new ServletHolder(authorize), AUTHORIZE_PATH);
        context.addServlet(new ServletHolder(token), TOKEN_PATH);
        context.addServlet(new ServletHolder(revocation), REVOCATION_PATH);
        context.addServlet(new ServletHolder(admin), "/admin/*");
        workloads.install(context);
    }
}
