package dev.xaa4j.sample.oauth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.as.AccessTokenMinter;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.dpop.DPoPVerifier;
import dev.xaa4j.sample.http.Http;
import dev.xaa4j.sample.idp.AuthorizationCodes;
import dev.xaa4j.sample.idp.DevAutoApprove;
import dev.xaa4j.sample.idp.RefreshTokenFamilies;
import dev.xaa4j.sample.keys.JwksServlet;
import dev.xaa4j.sample.keys.SigningKeys;
import dev.xaa4j.sample.policy.Policy;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * A plain MCP OAuth authorization server (no EMA: a person consents per server in the browser) with a path
 * issuer, e.g. {@code {asBase}/oauth}, on the AS connector. RFC 8414 metadata at
 * {@code /.well-known/oauth-authorization-server{issuer path}} (§3.1 path insertion); endpoints under the issuer
 * path: {@code /authorize}, {@code /token}, {@code /register} (RFC 7591), {@code /revoke} (RFC 7009), {@code /jwks}.
 * Grants {@code authorization_code} and {@code refresh_token} only — no jwt-bearer, so MCP clients pick per-server
 * OAuth for its servers. Clients: {@link OAuthClients}. Each instance has its own clients, codes and refresh
 * tokens (two instances model an AS migration); they may share signing keys, tokens differ by {@code iss}.
 */
public final class PlainAuthorizationServer {

    static final String AUTHORIZE = "/authorize";
    static final String TOKEN = "/token";
    static final String REGISTER = "/register";
    static final String REVOKE = "/revoke";
    static final String JWKS = "/jwks";

    private final URI issuer;
    private final SigningKeys keys;
    private final net.minidev.json.JSONObject metadata;
    private final OAuthFaults faults;
    private final PlainAuthorizeServlet authorize;
    private final PlainTokenServlet token;
    private final RegistrationServlet registration;
    private final PlainRevocationServlet revocation;

    /**
     * @param issuer        the issuer, with a path ({@code {asBase}/oauth})
     * @param resources     the MCP servers it issues tokens for, by resource URI
     * @param preRegistered clients known from the start (the policy's; none for a second AS)
     */
    public PlainAuthorizationServer(URI issuer, IssuerSettings settings, Policy policy, Map<URI, Policy.Resource> resources,
                                    List<Policy.OAuthClient> preRegistered, AuditLog audit, SigningKeys keys, Clock clock,
                                    DevAutoApprove devAutoApprove, OAuthFaults faults, DPoPVerifier dpop) {
        if (issuer.getRawPath() == null || issuer.getRawPath().length() < 2) {
            throw new IllegalArgumentException("a plain OAuth AS needs a path issuer, got " + issuer);
        }
        this.issuer = issuer;
        this.keys = keys;
        this.faults = faults;
        this.metadata = metadata(resources);
        OAuthClients clients = new OAuthClients(issuer, endpoint(TOKEN), preRegistered, audit, clock);
        AuthorizationCodes codes = new AuthorizationCodes(clock, settings.authorizationCodeTtl());
        RefreshTokenFamilies refreshTokens = new RefreshTokenFamilies(clock, settings.refreshTokenTtl());
        this.authorize = new PlainAuthorizeServlet(issuer, clients, resources, policy, codes, devAutoApprove, faults,
                audit, clock);
        this.token = new PlainTokenServlet(clients, codes, refreshTokens,
                new AccessTokenMinter(issuer, keys, settings.accessTokenTtl(), clock), audit, dpop, endpoint(TOKEN));
        this.registration = new RegistrationServlet(clients, audit, clock);
        this.revocation = new PlainRevocationServlet(clients, refreshTokens, audit);
    }

    public URI issuer() {
        return issuer;
    }

    public URI jwksUri() {
        return endpoint(JWKS);
    }

    /** RFC 8414 §3.1: {@code /.well-known/oauth-authorization-server} inserted before the issuer's path. */
    public URI metadataUrl() {
        return URI.create(issuer.getScheme() + "://" + issuer.getRawAuthority() + "/.well-known/oauth-authorization-server"
                + issuer.getRawPath());
    }

    private URI endpoint(String path) {
        return URI.create(issuer + path);
    }

    private net.minidev.json.JSONObject metadata(Map<URI, Policy.Resource> resources) {
        AuthorizationServerMetadata md = new AuthorizationServerMetadata(new Issuer(issuer.toString()));
        md.setAuthorizationEndpointURI(endpoint(AUTHORIZE));
        md.setTokenEndpointURI(endpoint(TOKEN));
        md.setRegistrationEndpointURI(endpoint(REGISTER));
        md.setRevocationEndpointURI(endpoint(REVOKE));
        md.setJWKSetURI(jwksUri());
        md.setResponseTypes(List.of(ResponseType.CODE));
        md.setGrantTypes(List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        md.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
        md.setTokenEndpointAuthMethods(List.of(ClientAuthenticationMethod.NONE,
                ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST,
                ClientAuthenticationMethod.PRIVATE_KEY_JWT));
        md.setTokenEndpointJWSAlgs(List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256));
        md.setRevocationEndpointAuthMethods(md.getTokenEndpointAuthMethods());
        List<String> scopes = new ArrayList<>();
        resources.values().forEach(r -> scopes.addAll(r.scopes()));
        scopes.add("offline_access");
        md.setScopes(new Scope(scopes.toArray(String[]::new)));
        md.setSupportsAuthorizationResponseIssuerParam(true);
        md.setCustomParameter("client_id_metadata_document_supported", true);
        md.setDPoPJWSAlgs(DPoPVerifier.JWS_ALGORITHMS);
        return md.toJSONObject();
    }

    public void install(ServletContextHandler context) {
        String name = issuer.getRawPath().substring(1).replace('/', '-');
        context.addServlet(new ServletHolder(name + "-metadata", new MetadataServlet()), metadataUrl().getRawPath());
        context.addServlet(new ServletHolder(name + "-authorize", authorize), issuer.getRawPath() + AUTHORIZE);
        context.addServlet(new ServletHolder(name + "-token", token), issuer.getRawPath() + TOKEN);
        context.addServlet(new ServletHolder(name + "-register", registration), issuer.getRawPath() + REGISTER);
        context.addServlet(new ServletHolder(name + "-revoke", revocation), issuer.getRawPath() + REVOKE);
        context.addServlet(new ServletHolder(name + "-jwks", new JwksServlet(keys)), issuer.getRawPath() + JWKS);
    }

    /** The metadata document; with the issuer-mismatch fault on, with another {@code issuer}. */
    private final class MetadataServlet extends HttpServlet {
        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            net.minidev.json.JSONObject json = metadata;
            if (faults.is(OAuthFaults.Fault.ISSUER_MISMATCH)) {
                String evil = "https://attacker.example.com";
                json = new net.minidev.json.JSONObject(metadata);
                json.put("issuer", evil);
                faults.served(OAuthFaults.Fault.ISSUER_MISMATCH, null, "AS metadata of " + issuer + " says issuer "
                        + evil);
            }
            Http.text(resp, 200, "application/json", json.toJSONString());
        }
    }
}
