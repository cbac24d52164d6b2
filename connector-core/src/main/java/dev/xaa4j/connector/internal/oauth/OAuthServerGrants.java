package dev.xaa4j.connector.internal.oauth;

import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.signin.BrowserLauncher;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The {@link ServerGrants} of a connector (SKELETON of issue 11: the plain-OAuth engineer implements it). */
public final class OAuthServerGrants implements ServerGrants {

    /**
     * @param store                    where refresh tokens and dynamic registrations are kept (the OS keyring, or
     *                                 memory for sessions kept in memory and for the conformance harness)
     * @param credentials              secrets and keys of pre-registered clients
     * @param clientIdMetadataDocument this installation's Client ID Metadata Document URL, if it publishes one
     * @param launcher                 where authorization requests are shown; {@code null} = the system browser
     *                                 ({@code BROWSER} from {@code environment}, else the desktop's, else stderr)
     * @param environment              where {@code BROWSER} is looked up
     */
    public OAuthServerGrants(Clock clock, Duration httpTimeout, CredentialStore store,
                             ClientCredentialsSource credentials, Optional<URI> clientIdMetadataDocument,
                             BrowserLauncher launcher, Map<String, String> environment) {
    }

    @Override
    public TokenFetcher.Fetched token(ServerConfig server, ServerMetadata meta, Set<String> extraScopes,
                                      Set<String> stepUpScopes, boolean interactive) {
        throw new UnsupportedOperationException("SKELETON");
    }

    @Override
    public TokenFetcher.Fetched signIn(ServerConfig server, ServerMetadata meta, Set<String> scopes) {
        throw new UnsupportedOperationException("SKELETON");
    }

    @Override
    public boolean hasGrant(String server) {
        return false;
    }

    @Override
    public void signOut(ServerConfig server, Optional<ServerMetadata> meta) {
    }

    @Override
    public void close() {
    }
}
