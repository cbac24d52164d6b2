package dev.xaa4j.sample.idp;

import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.keys.SigningKeys;
import dev.xaa4j.sample.policy.PolicyEngine;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/** STUB — to be implemented: the sample enterprise IdP. */
public final class IdentityProvider {
    private final URI issuer;

    public IdentityProvider(URI issuer, IssuerSettings settings, PolicyEngine policy, AuditLog audit,
                            SigningKeys keys, Clock clock, String adminToken, URI asIssuer,
                            Map<String, URI> resourcesByName) {
        this.issuer = issuer;
    }

    public URI jwksUri() {
        return URI.create(issuer + "/jwks");
    }

    public void install(ServletContextHandler context) {
    }
}
