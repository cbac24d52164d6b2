package dev.xaa4j.sample.as;

import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.dpop.DPoPVerifier;
import dev.xaa4j.sample.http.ClientAuthenticator;
import dev.xaa4j.sample.http.ClientKeys;
import dev.xaa4j.sample.keys.JwksServlet;
import dev.xaa4j.sample.keys.SigningKeys;
import dev.xaa4j.sample.policy.Policy;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The MCP servers' authorization server ("Resource Authorization Server"): redeems ID-JAGs from the trusted
 * enterprise IdP for JWT access tokens audience-restricted to one MCP server (docs/protocol.md §1 step 3, §3.3),
 * and issues them without a person for {@code client_credentials} and workload JWTs ({@link HeadlessGrants}).
 *
 * <p>Endpoints: {@code /.well-known/oauth-authorization-server} (RFC 8414), {@code /jwks}, {@code /token}.
 */
public final class AuthorizationServer {

    private final URI issuer;
    private final SigningKeys keys;
    private final AsMetadataServlet metadata;
    private final TokenServlet token;

    public AuthorizationServer(URI issuer, IssuerSettings settings, Policy policy, AuditLog audit,
                               SigningKeys keys, Clock clock, URI trustedIdpIssuer, URI trustedIdpJwksUri,
                               Map<String, URI> resourcesByName, ClientKeys clientKeys,
                               Map<URI, URI> trustedWorkloadIssuers, DPoPVerifier dpop) {
        this.issuer = issuer;
        this.keys = keys;
        Map<URI, Policy.Resource> resources = new LinkedHashMap<>();
        resourcesByName.forEach((name, uri) -> resources.put(uri, policy.resource(name).orElseThrow(
                () -> new IllegalArgumentException("no policy resource named '" + name + "'"))));
        List<String> allScopes = resources.values().stream().flatMap(r -> r.scopes().stream()).toList();

        URI tokenEndpoint = URI.create(issuer + "/token");
        this.metadata = new AsMetadataServlet(issuer, tokenEndpoint, jwksUri(), allScopes);
        ClientAuthenticator clients = ClientAuthenticator.atTokenEndpoint(issuer, tokenEndpoint, policy.asClients(),
                c -> new ClientAuthenticator.Registration(c.clientId(), c.clientSecret(), c.jwks()), clientKeys);
        IdJagValidator validator = new IdJagValidator(issuer, Map.of(trustedIdpIssuer, trustedIdpJwksUri),
                resources, clock);
        AccessTokenMinter minter = new AccessTokenMinter(issuer, keys, settings.accessTokenTtl(), clock);
        HeadlessGrants headless = new HeadlessGrants(issuer, clients, new WorkloadJwtValidator(issuer,
                trustedWorkloadIssuers, policy.headless(), clock), policy.headless(), resources, minter, audit, dpop);
        this.token = new TokenServlet(issuer, clients, validator, minter, audit, headless, dpop);
    }

    public URI jwksUri() {
        return URI.create(issuer + "/jwks");
    }

    public void install(ServletContextHandler context) {
        context.addServlet(new ServletHolder("as-metadata", metadata), "/.well-known/oauth-authorization-server");
        context.addServlet(new ServletHolder("as-token", token), "/token");
        context.addServlet(new ServletHolder("as-jwks", new JwksServlet(keys)), "/jwks");
    }
}
