package dev.xaa4j.connector.host.config;

import java.util.List;

/**
 * One named MCP server.
 *
 * @param url            the Streamable HTTP endpoint (also the RFC 9728 resource identifier)
 * @param pinnedAsIssuer if set, the only authorization server accepted for it (else discovered); may be null
 * @param scopes         scopes to ask for; empty = the server's {@code scopes_supported}
 * @param asClientId     our client id at its authorization server; may be null (then the IdP client id)
 */
public record ServerEntry(String url, String pinnedAsIssuer, List<String> scopes, String asClientId) {
    public ServerEntry {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }
}
