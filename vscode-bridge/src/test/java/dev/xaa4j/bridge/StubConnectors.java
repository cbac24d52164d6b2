package dev.xaa4j.bridge;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import java.net.URI;
import java.util.Map;

/** Connectors whose tokens come from a scripted {@link TokenFetcher}: no IdP, no network, no journal. */
final class StubConnectors {

    /** The key of the tokens for {@code notes} (IdP https://idp.example, AS https://as.example). */
    static final TokenKey NOTES_KEY = new TokenKey("https://idp.example", "https://as.example", "https://notes.example/mcp", "");

    private StubConnectors() {
    }

    /** One server, {@code notes} at https://notes.example/mcp, public client {@code xaa}; tokens from {@code fetcher}. */
    static Connector notes(TokenFetcher fetcher) {
        return ConnectorInternals.tokenFetcher(Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.example"), "xaa", ClientAuthMethod.NONE))
                .server(ServerConfig.of("notes", URI.create("https://notes.example/mcp"), "xaa", ClientAuthMethod.NONE))
                .idTokenSource(() -> "not-used")
                .clientCredentials(ClientCredentialsSource.ofSecrets(Map.of()))
                .journal(false), fetcher)
                .build();
    }
}
