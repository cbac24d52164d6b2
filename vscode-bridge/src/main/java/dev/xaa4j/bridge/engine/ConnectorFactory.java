package dev.xaa4j.bridge.engine;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.store.CredentialStore;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Builds the embedded connector engine from the per-user configuration. A server's AS client id and method
 * default to the IdP's (one registration for both legs is the common enterprise set-up). SERVER given as a
 * URL that is not configured becomes an ad-hoc server named by its URL.
 */
public final class ConnectorFactory {

    private ConnectorFactory() {
    }

    /** What to do when no IdP is configured; a fragment, without a program name (callers prefix their own). */
    public static final String NOT_SET_UP = "not set up yet: run `xaa idp ISSUER --client-id ID` "
            + "(your administrator has the values), then `xaa login`";

    /** The configured IdP, if issuer and client id are both set (only then can anyone sign in). */
    public static Optional<IdpSettings> idp(XaaConfig config) {
        return config.idpSettings().filter(i -> i.issuer() != null && i.clientId() != null);
    }

    /** The failure for "no IdP configured": {@link Reason#NOT_SET_UP} (exit code 3), {@link #NOT_SET_UP} as the message. */
    public static BridgeException notSetUp() {
        return new BridgeException(Reason.NOT_SET_UP, NOT_SET_UP);
    }

    /**
     * The engine for {@code config}; it needs only the IdP (no server: sign-in, sign-out and status still work).
     *
     * @throws BridgeException ({@link Reason#NOT_SET_UP}) when no IdP is configured
     */
    public static Connector create(XaaConfig config, Optional<String> adHocServer) {
        return create(config, adHocServer, null);
    }

    /**
     * As {@link #create(XaaConfig, Optional)}, with the session and client secrets in {@code store} ({@code null}:
     * the OS keyring, {@link Connector#KEYRING_SERVICE}).
     */
    public static Connector create(XaaConfig config, Optional<String> adHocServer, CredentialStore store) {
        return builder(config, adHocServer, store).build();
    }

    /**
     * The engine of a session owner that keeps everything in memory ({@code xaa agent --memory}): the IdP session
     * in {@code memory} (kept by the caller across rebuilds for a changed configuration), client secrets from
     * {@code secrets}, no watch for other processes' sign-ins (nobody else can reach this memory), and the browser
     * of a sign-in started with {@code browserEnvironment} (the caller's environment without the secrets).
     *
     * @throws BridgeException ({@link Reason#NOT_SET_UP}) when no IdP is configured
     */
    public static Connector inMemory(XaaConfig config, CredentialStore memory, MemorySecrets secrets,
                                     Map<String, String> browserEnvironment) {
        return ConnectorInternals.browserSignIn(builder(config, Optional.empty(), memory)
                .clientCredentials(secrets.forConfig(config))
                .sessionWatchInterval(Duration.ZERO),
                new BrowserSignIn(Clock.systemUTC(), Duration.ofSeconds(10), browserEnvironment), SignInOptions.defaults())
                .build();
    }

    private static Connector.Builder builder(XaaConfig config, Optional<String> adHocServer, CredentialStore store) {
        IdpSettings idp = idp(config).orElseThrow(ConnectorFactory::notSetUp);
        ClientAuthMethod idpMethod = method(idp.authMethod());
        Connector.Builder b = Connector.builder().idp(new IdpConfig(URI.create(idp.issuer()), idp.clientId(), idpMethod));
        if (store != null) {
            ConnectorInternals.credentialStore(b, store);
        }
        config.servers().forEach((name, s) -> b.server(server(name, s, idp.clientId(), idpMethod)));
        adHocServer.filter(XaaConfig::isUrl).filter(u -> !config.servers().containsKey(u))
                .ifPresent(u -> b.server(ServerConfig.of(u, URI.create(u), idp.clientId(), idpMethod)));
        return b;
    }

    static ServerConfig server(String name, ServerEntry s, String idpClientId, ClientAuthMethod idpMethod) {
        return new ServerConfig(name, URI.create(s.url()), Optional.ofNullable(s.pinnedAsIssuer()),
                s.scopes() == null ? List.of() : s.scopes(),
                asClientId(s, idpClientId), idpMethod);
    }

    /** The client id at {@code entry}'s authorization server: its own when configured, else the IdP client's. */
    public static String asClientId(ServerEntry entry, String idpClientId) {
        return entry.asClientId() != null ? entry.asClientId() : idpClientId;
    }

    /**
     * The issuer of {@code entry}'s authorization server: the pinned one, else the one the server names in its
     * RFC 9728 metadata (a network round trip).
     *
     * @throws dev.xaa4j.connector.ConnectorException (CONFIGURATION, UPSTREAM_UNAVAILABLE) when the server's metadata cannot be had
     */
    public static String asIssuer(ServerEntry entry) {
        return entry.pinnedAsIssuer() != null ? entry.pinnedAsIssuer()
                : new Discovery().server(URI.create(entry.url())).asIssuer();
    }

    static ClientAuthMethod method(String name) {
        if (name == null || name.isBlank()) {
            return ClientAuthMethod.NONE;
        }
        try {
            return ClientAuthMethod.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown IdP authMethod '" + name
                    + "' in the config: none, client_secret_basic, client_secret_post or private_key_jwt");
        }
    }
}
