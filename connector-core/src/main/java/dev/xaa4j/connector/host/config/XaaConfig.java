package dev.xaa4j.connector.host.config;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * The effective configuration: the file merged with environment overrides. Immutable.
 *
 * @param idp            the IdP, or null when not configured yet
 * @param servers        named MCP servers, in file order
 * @param sessionStorage where the session owner keeps the session ({@link SessionStorage#KEYRING} when null)
 * @param dpop           {@code "dpop"}: whether tokens are DPoP-bound where the authorization server advertises ES256
 *                       (default true; false for a Bearer-only resource server: docs/architecture.md "DPoP")
 * @param agent          {@code "agent"}: whether a bridge or {@code xaa} command that needs a token starts
 *                       {@code xaa agent} on demand when no session owner runs (default true: docs/architecture.md
 *                       "One session owner per machine")
 */
public record XaaConfig(IdpSettings idp, Map<String, ServerEntry> servers, SessionStorage sessionStorage, boolean dpop,
                        boolean agent) {

    public XaaConfig {
        servers = servers == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(servers));
        sessionStorage = sessionStorage == null ? SessionStorage.KEYRING : sessionStorage;
    }

    /** A configuration that starts the agent on demand (the default). */
    public XaaConfig(IdpSettings idp, Map<String, ServerEntry> servers, SessionStorage sessionStorage, boolean dpop) {
        this(idp, servers, sessionStorage, dpop, true);
    }

    /** A configuration with DPoP on (the default). */
    public XaaConfig(IdpSettings idp, Map<String, ServerEntry> servers, SessionStorage sessionStorage) {
        this(idp, servers, sessionStorage, true);
    }

    /** A configuration that keeps the session in the OS keyring. */
    public XaaConfig(IdpSettings idp, Map<String, ServerEntry> servers) {
        this(idp, servers, SessionStorage.KEYRING);
    }

    public Optional<IdpSettings> idpSettings() {
        return Optional.ofNullable(idp);
    }

    public Optional<ServerEntry> server(String name) {
        return Optional.ofNullable(servers.get(name));
    }

    /** SERVER on the command line: a configured name, or an http(s) URL used as is. */
    public Optional<URI> resolve(String nameOrUrl) {
        if (isUrl(nameOrUrl)) {
            return Optional.of(URI.create(nameOrUrl));
        }
        return server(nameOrUrl).map(s -> URI.create(s.url()));
    }

    public static boolean isUrl(String s) {
        return s.startsWith("http://") || s.startsWith("https://");
    }
}
