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
 * @param resourceMetadataUrl where the PRM came from ({@code null} for {@link Source#LEGACY_METADATA} and
 *                           {@link Source#LEGACY_DEFAULTS})
 * @param source             how the authorization server was found
 */
public record ServerMetadata(URI serverUrl, String resource, AuthorizationServerMetadata authorizationServer,
                             List<String> scopesSupported, Optional<String> challengedScope,
                             URI resourceMetadataUrl, Source source) {

    /** How the authorization server of a server was found (MCP authorization, "Authorization Server Discovery"). */
    public enum Source {
        /** RFC 9728 protected resource metadata named it (2025-06-18 and later). */
        PRM,
        /** No PRM: RFC 8414 metadata at the server's origin (the 2025-03-26 revision). */
        LEGACY_METADATA,
        /** No PRM and no metadata: the default endpoints {@code /authorize}, {@code /token}, {@code /register} at the origin (2025-03-26). */
        LEGACY_DEFAULTS
    }

    /** Metadata found through protected resource metadata ({@link Source#PRM}). */
    public ServerMetadata(URI serverUrl, String resource, AuthorizationServerMetadata authorizationServer,
                          List<String> scopesSupported, Optional<String> challengedScope, URI resourceMetadataUrl) {
        this(serverUrl, resource, authorizationServer, scopesSupported, challengedScope, resourceMetadataUrl, Source.PRM);
    }

    public String asIssuer() {
        return authorizationServer.getIssuer().getValue();
    }

    public URI asTokenEndpoint() {
        return authorizationServer.getTokenEndpointURI();
    }
}
