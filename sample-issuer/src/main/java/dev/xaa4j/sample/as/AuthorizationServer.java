package dev.xaa4j.sample.as;

import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.keys.SigningKeys;
import dev.xaa4j.sample.policy.Policy;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/** STUB — to be implemented: the MCP authorization server redeeming ID-JAGs. */
public final class AuthorizationServer {
    private final URI issuer;

    public AuthorizationServer(URI issuer, IssuerSettings settings, Policy policy, AuditLog audit,
                               SigningKeys keys, Clock clock, URI trustedIdpIssuer, URI trustedIdpJwksUri,
                               Map<String, URI> resourcesByName) {
        this.issuer = issuer;
    }

    public URI jwksUri() {
        return URI.create(issuer + "/jwks");
    }

    public void install(ServletContextHandler context) {
    }
}
