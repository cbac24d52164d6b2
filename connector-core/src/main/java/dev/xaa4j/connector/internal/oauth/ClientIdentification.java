package dev.xaa4j.connector.internal.oauth;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.grant.ClientAuthSelection;
import dev.xaa4j.connector.internal.store.KeyringClientCredentials;
import dev.xaa4j.connector.internal.store.ServerGrantStore;
import dev.xaa4j.connector.internal.store.ServerGrantStore.Registration;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which client this connector is at a server's authorization server (MCP authorization "Client Registration
 * Approaches", in this order): the pre-registered {@link ServerConfig#oauthClientId()} — bound to the issuer it is
 * pinned to or was first used at, and never sent to another ({@link ConnectorException.Kind#CONFIGURATION} when the
 * server now names another AS) —; else the Client ID Metadata Document URL when the AS says
 * {@code client_id_metadata_document_supported: true}; else the RFC 7591 registration stored for this issuer
 * (dropped when its secret expired) or a new one at {@code registration_endpoint}; else CONFIGURATION. Thread-safe.
 */
final class ClientIdentification {

    private static final Logger LOG = LoggerFactory.getLogger(ClientIdentification.class);
    static final String CIMD_SUPPORTED = "client_id_metadata_document_supported";

    private final ServerGrantStore rows;
    private final ClientCredentialsSource credentials;
    private final Optional<URI> metadataDocument;
    private final DynamicRegistration registration;
    private final Clock clock;

    ClientIdentification(ServerGrantStore rows, ClientCredentialsSource credentials, Optional<URI> metadataDocument,
                         DynamicRegistration registration, Clock clock) {
        this.rows = rows;
        this.credentials = credentials;
        this.metadataDocument = metadataDocument;
        this.registration = registration;
        this.clock = clock;
    }

    /** The client to authorize with; registers one (with {@code redirectUri}) when needed. */
    OAuthClient identify(ServerConfig server, ServerMetadata meta, URI redirectUri) {
        AuthorizationServerMetadata as = meta.authorizationServer();
        String issuer = meta.asIssuer();
        if (server.oauthClientId().isPresent()) {
            return preRegistered(server, issuer, as);
        }
        if (metadataDocument.isPresent() && Boolean.TRUE.equals(as.getCustomParameter(CIMD_SUPPORTED))) {
            return new OAuthClient(issuer, metadataDocument.get().toString(), ClientAuthMethod.NONE,
                    OAuthClient.Kind.METADATA_DOCUMENT, ClientCredentialsSource.none());
        }
        Optional<Registration> stored = rows.registration(issuer).filter(this::unexpired);
        if (stored.isPresent()) {
            return dynamic(issuer, as, stored.get());
        }
        if (as.getRegistrationEndpointURI() == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server.name(), "The authorization server "
                    + issuer + " of '" + server.name() + "' supports neither client metadata documents nor dynamic "
                    + "registration. Register a client there and run `xaa server add " + server.name() + " "
                    + server.url() + " --client-id ID`.", null, null);
        }
        Registration fresh = registration.register(server.name(), as.getRegistrationEndpointURI(), redirectUri,
                as.getTokenEndpointAuthMethods());
        rows.saveRegistration(issuer, fresh);
        LOG.info("Registered as client {} at {} for '{}'", fresh.clientId(), issuer, server.name());
        return dynamic(issuer, as, fresh);
    }

    /** The client a stored grant belongs to, if it is still this connector's client at {@code meta}'s issuer. */
    Optional<OAuthClient> forGrant(ServerConfig server, ServerMetadata meta, String clientId) {
        String issuer = meta.asIssuer();
        AuthorizationServerMetadata as = meta.authorizationServer();
        if (server.oauthClientId().isPresent()) {
            return server.oauthClientId().get().equals(clientId) ? Optional.of(preRegistered(server, issuer, as)) : Optional.empty();
        }
        if (metadataDocument.isPresent() && metadataDocument.get().toString().equals(clientId)) {
            return Optional.of(new OAuthClient(issuer, clientId, ClientAuthMethod.NONE, OAuthClient.Kind.METADATA_DOCUMENT,
                    ClientCredentialsSource.none()));
        }
        return rows.registration(issuer).filter(r -> r.clientId().equals(clientId)).filter(this::unexpired)
                .map(r -> dynamic(issuer, as, r));
    }

    /** Forgets a dynamic registration the AS no longer accepts ({@code invalid_client}). */
    void rejected(OAuthClient client) {
        if (client.kind() == OAuthClient.Kind.DYNAMIC) {
            rows.deleteRegistration(client.issuer());
        }
    }

    private OAuthClient preRegistered(ServerConfig server, String issuer, AuthorizationServerMetadata as) {
        String clientId = server.oauthClientId().orElseThrow();
        Optional<String> bound = server.pinnedAsIssuer().or(() -> rows.boundIssuer(server.name(), clientId));
        if (bound.isPresent() && !bound.get().equals(issuer)) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server.name(), "The client " + clientId
                    + " of '" + server.name() + "' is registered at " + bound.get() + ", but the server now names the "
                    + "authorization server " + issuer + "; its credentials are never sent there. Register a client at "
                    + issuer + " and run `xaa server add " + server.name() + " " + server.url() + " --client-id ID`.", null, null);
        }
        if (bound.isEmpty()) {
            rows.bind(server.name(), clientId, issuer);
        }
        boolean hasSecret = credentials.clientSecret(issuer, clientId).isPresent();
        // the per-install key (`xaa key create`) does not outrank a secret stored for this very client
        boolean hasKey = credentials.signingKey(issuer, clientId)
                .filter(key -> !hasSecret || !KeyringClientCredentials.isInstallKey(credentials, key)).isPresent();
        ClientAuthMethod method = ClientAuthSelection.choose(as.getTokenEndpointAuthMethods(), Optional.empty(), hasKey, hasSecret);
        return new OAuthClient(issuer, clientId, method, OAuthClient.Kind.PRE_REGISTERED, credentials);
    }

    private OAuthClient dynamic(String issuer, AuthorizationServerMetadata as, Registration r) {
        ClientAuthMethod method = ClientAuthSelection.choose(as.getTokenEndpointAuthMethods(),
                ClientAuthSelection.of(r.authMethod()), false, r.clientSecret() != null);
        ClientCredentialsSource secret = (iss, id) -> iss.equals(issuer) && id.equals(r.clientId())
                ? Optional.ofNullable(r.clientSecret()) : Optional.empty();
        return new OAuthClient(issuer, r.clientId(), method, OAuthClient.Kind.DYNAMIC, secret);
    }

    private boolean unexpired(Registration r) {
        return r.secretExpiresAt() <= 0 || r.secretExpiresAt() > clock.instant().getEpochSecond();
    }
}
