package dev.xaa4j.connector.internal.discovery;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What discovery learned about one MCP server (docs/protocol.md §6).
 *
 * @param serverUrl          the canonicalised MCP server URL we were given
 * @param resource           PRM {@code resource}, used verbatim as the token-exchange {@code resource}
 * @param authorizationServer the chosen AS's metadata; its {@code issuer} is the token-exchange
 *                           {@code audience}, copied byte for byte
 * @param scopesSupported    PRM {@code scopes_supported} (may be empty)
 * @param challengedScope    the {@code scope} of the 401 {@code WWW-Authenticate} challenge, if any
 * @param resourceMetadataUrl where the PRM came from
 */
public record ServerMetadata(URI serverUrl, String resource, AuthorizationServerMetadata authorizationServer,
                             List<String> scopesSupported, Optional<String> challengedScope,
                             URI resourceMetadataUrl) {

    public String asIssuer() {
        return authorizationServer.getIssuer().getValue();
    }

    public URI asTokenEndpoint() {
        return authorizationServer.getTokenEndpointURI();
    }
}
