package dev.xaa4j.connector;

import java.net.URI;
import java.util.Objects;

/**
 * The enterprise IdP the user signs in to (docs/protocol.md §1 step 1, §6 step 9: the issuer is configuration).
 * Safe to write to disk: it holds no secret. The client secret or key comes from a
 * {@link ClientCredentialsSource}.
 *
 * @param issuer     IdP issuer identifier, used byte for byte for OIDC discovery and ID token checks
 * @param clientId   the connector's client id at the IdP
 * @param authMethod client authentication at the IdP token endpoint (the MCP profile requires one for the
 *                   token exchange)
 */
public record IdpConfig(URI issuer, String clientId, ClientAuthMethod authMethod) {
    public IdpConfig {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(authMethod, "authMethod");
    }
}
