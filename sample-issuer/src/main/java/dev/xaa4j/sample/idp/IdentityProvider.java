package dev.xaa4j.sample.idp;

import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.http.Http;
import dev.xaa4j.sample.keys.SigningKeys;
import dev.xaa4j.sample.policy.PolicyEngine;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/** The sample enterprise IdP (PARTIAL: only JWKS so far). */
public final class IdentityProvider {
    private final URI issuer;
    private final SigningKeys keys;

    public IdentityProvider(URI issuer, IssuerSettings settings, PolicyEngine policy, AuditLog audit,
                            SigningKeys keys, Clock clock, String adminToken, URI asIssuer,
                            Map<String, URI> resourcesByName) {
        this.issuer = issuer;
        this.keys = keys;
    }

    public URI jwksUri() {
        return URI.create(issuer + "/jwks");
    }

    public void install(ServletContextHandler context) {
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                Http.json(resp, 200, keys.publicJwks().toJSONObject(true));
            }
        }), "/jwks");
    }
}
