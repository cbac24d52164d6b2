package dev.xaa4j.connector.discovery;

import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.net.URI;
import java.util.Optional;

/**
 * CONTRACT (implemented by the discovery work): discovery from only the MCP server URL (PROTOCOL.md §6) and
 * IdP OIDC discovery, cached with a bounded TTL. Throws {@link dev.xaa4j.connector.DiscoveryException} for
 * untrustworthy metadata and {@link dev.xaa4j.connector.UpstreamUnavailableException} for transient failures.
 */
public final class Discovery {

    /** IdP OIDC metadata; requires token endpoint, JWKS URI and S256. Cached. */
    public OIDCProviderMetadata idp(URI issuer) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /**
     * 401 → {@code resource_metadata} → PRM (resource check) → AS metadata (path-aware well-known order,
     * issuer equality) → jwt-bearer capability check. Refuses a server whose AS is not {@code pinnedAsIssuer}.
     */
    public ServerMetadata server(URI serverUrl, Optional<String> pinnedAsIssuer) {
        throw new UnsupportedOperationException("not implemented yet");
    }

    /** Forgets cached metadata of one server (e.g. after a 401 with a different resource_metadata). */
    public void invalidate(URI serverUrl) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
