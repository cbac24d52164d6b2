package dev.xaa4j.connector;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One named MCP server (docs/protocol.md §6: everything else is discovered from its URL). Safe to write to disk:
 * it holds no secret.
 *
 * @param name           the caller's name for the server, e.g. {@code notes}
 * @param url            the MCP endpoint URL
 * @param pinnedAsIssuer if present, the only authorization server accepted for this server (§6 item 5)
 * @param scopes         scopes to request; empty = let the IdP and AS decide
 * @param asClientId     the connector's client id at the server's authorization server (§2 {@code client_id})
 * @param asAuthMethod   client authentication at the authorization server token endpoint
 */
public record ServerConfig(String name, URI url, Optional<String> pinnedAsIssuer, List<String> scopes,
                           String asClientId, ClientAuthMethod asAuthMethod) {
    public ServerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(pinnedAsIssuer, "pinnedAsIssuer");
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(asClientId, "asClientId");
        Objects.requireNonNull(asAuthMethod, "asAuthMethod");
    }

    /** A server with no pinned AS and no configured scopes. */
    public static ServerConfig of(String name, URI url, String asClientId, ClientAuthMethod asAuthMethod) {
        return new ServerConfig(name, url, Optional.empty(), List.of(), asClientId, asAuthMethod);
    }

    public ServerConfig withScopes(List<String> newScopes) {
        return new ServerConfig(name, url, pinnedAsIssuer, newScopes, asClientId, asAuthMethod);
    }

    public ServerConfig withPinnedAsIssuer(String issuer) {
        return new ServerConfig(name, url, Optional.of(issuer), scopes, asClientId, asAuthMethod);
    }
}
