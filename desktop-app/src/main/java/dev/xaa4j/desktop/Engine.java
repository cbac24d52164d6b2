package dev.xaa4j.desktop;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorListener;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.token.RenewalPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The connector engine the app hosts, built from the per-user config file that {@code xaa} also reads
 * ({@link ConfigStore}). A {@link Connector} has a fixed set of servers, so adding or removing one rebuilds it;
 * the IdP session lives in the credential store and survives the rebuild. Whoever serves tokens from the
 * current connector (the local broker) subscribes with {@link #onConnectorChanged}.
 *
 * <p>Thread-safe; every method may block on I/O (config file, discovery), so call it off the FX thread.
 */
public final class Engine implements AutoCloseable {

    /**
     * @param store       where the IdP session lives; null = the OS keyring (service {@code xaa4j}, shared with
     *                    {@code xaa login})
     * @param credentials client secrets; null = from {@code store}
     * @param stateDir    activity journal and lock files; null = the connector's default
     * @param signIn      browser command and timeout; null = defaults ({@code BROWSER}, then the desktop)
     * @param policy      renewal timing; null = defaults
     */
    public record Options(CredentialStore store, ClientCredentialsSource credentials, Path stateDir,
                          SignInOptions signIn, RenewalPolicy policy) {
        public static Options defaults() {
            return new Options(null, null, null, null, null);
        }
    }

    private final ConfigStore config;
    private final Options options;
    private final CredentialStore store;
    private final Discovery discovery = new Discovery();
    private final List<ConnectorListener> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Optional<Connector>>> changeHooks = new CopyOnWriteArrayList<>();
    private Connector connector;
    private XaaConfig loaded;

    public Engine(ConfigStore config, Options options) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.store = options.store() != null ? options.store() : new KeyringCredentialStore("xaa4j");
    }

    /** Where the session lives: the OS keyring by default, else the given store (this process's memory). */
    public SessionStorage sessionStorage() {
        return options.store() == null ? SessionStorage.KEYRING : SessionStorage.MEMORY;
    }

    /** Events of whichever connector is current. */
    public void addListener(ConnectorListener listener) {
        listeners.add(listener);
    }

    /** Called with the new connector (empty: none configured) after every rebuild, on the rebuilding thread. */
    public void onConnectorChanged(Consumer<Optional<Connector>> hook) {
        changeHooks.add(hook);
    }

    /** Reads the config file and builds the connector; empty when no IdP is configured yet (servers may come later). */
    public synchronized Optional<Connector> reload() {
        loaded = config.load();
        Connector old = connector;
        connector = build(loaded).orElse(null);
        if (old != null) {
            old.close();
        }
        Optional<Connector> current = Optional.ofNullable(connector);
        changeHooks.forEach(h -> h.accept(current));
        return current;
    }

    public synchronized Optional<Connector> connector() {
        return Optional.ofNullable(connector);
    }

    public synchronized XaaConfig config() {
        if (loaded == null) {
            loaded = config.load();
        }
        return loaded;
    }

    public Path configFile() {
        return config.file();
    }

    /** RFC 9728 / 8414 discovery of an MCP server URL (cached); throws the connector's typed exceptions. */
    public ServerMetadata discover(URI url) {
        return discovery.server(url);
    }

    /**
     * Discovers {@code url}, then stores it under a name taken from its path ({@code …/notes/mcp} → {@code notes})
     * and rebuilds the connector. A server behind an authorization server already configured reuses that
     * server's client id there.
     *
     * @return the name and what discovery found
     */
    public synchronized Added addServer(String url) {
        URI uri = URI.create(url.strip());
        ServerMetadata md = discover(uri);
        XaaConfig cfg = config.load();
        if (cfg.servers().values().stream().anyMatch(s -> s.url().equals(uri.toString()))) {
            throw new IllegalArgumentException("This server is already in the list");
        }
        String name = uniqueName(suggestName(uri), cfg);
        String asClientId = cfg.servers().values().stream()
                .filter(s -> s.asClientId() != null)
                .filter(s -> sameAuthorizationServer(s, md.asIssuer()))
                .map(ServerEntry::asClientId).findFirst().orElse(null);
        config.putServer(name, new ServerEntry(uri.toString(), null, List.of(), asClientId));
        reload();
        return new Added(name, md);
    }

    /** What {@link #addServer} stored. */
    public record Added(String name, ServerMetadata metadata) {
    }

    public synchronized boolean removeServer(String name) {
        boolean removed = config.removeServer(name);
        if (removed) {
            reload();
        }
        return removed;
    }

    @Override
    public synchronized void close() {
        if (connector != null) {
            connector.close();
            connector = null;
        }
    }

    private boolean sameAuthorizationServer(ServerEntry s, String asIssuer) {
        try {
            return discovery.server(URI.create(s.url())).asIssuer().equals(asIssuer);
        } catch (RuntimeException e) {
            return false; // unreachable now: do not guess
        }
    }

    private Optional<Connector> build(XaaConfig cfg) {
        IdpSettings idp = cfg.idp();
        if (idp == null || idp.issuer() == null || idp.clientId() == null) { // no server yet: signing in still works
            return Optional.empty();
        }
        ClientAuthMethod method = method(idp.authMethod());
        Connector.Builder b = ConnectorInternals.discovery(ConnectorInternals.credentialStore(Connector.builder()
                .idp(new IdpConfig(URI.create(idp.issuer()), idp.clientId(), method)), store), discovery);
        if (options.credentials() != null) {
            b.clientCredentials(options.credentials());
        }
        if (options.stateDir() != null) {
            b.stateDir(options.stateDir());
        }
        if (options.signIn() != null) {
            ConnectorInternals.browserSignIn(b, new BrowserSignIn(), options.signIn());
        }
        if (options.policy() != null) {
            ConnectorInternals.renewalPolicy(b, options.policy());
        }
        // Same defaults as `xaa` (ConnectorFactory): the AS client id and method default to the IdP's.
        cfg.servers().forEach((name, s) -> b.server(new ServerConfig(name, URI.create(s.url()),
                Optional.ofNullable(s.pinnedAsIssuer()), s.scopes(),
                s.asClientId() != null ? s.asClientId() : idp.clientId(), method)));
        b.listener(event -> listeners.forEach(l -> l.onEvent(event)));
        return Optional.of(b.build());
    }

    static ClientAuthMethod method(String name) {
        if (name == null || name.isBlank()) {
            return ClientAuthMethod.NONE;
        }
        return ClientAuthMethod.valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** {@code https://h/notes/mcp} → {@code notes}; {@code https://tickets.example/mcp} → {@code tickets}. */
    static String suggestName(URI url) {
        String path = url.getPath() == null ? "" : url.getPath();
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            String p = parts[i].toLowerCase(Locale.ROOT);
            if (!p.isBlank() && !p.equals("mcp") && !p.equals("sse") && !p.equals("v1")) {
                return sanitize(p);
            }
        }
        String host = url.getHost() == null ? "server" : url.getHost();
        return sanitize(host.startsWith("mcp.") ? host.substring(4).split("\\.")[0] : host.split("\\.")[0]);
    }

    private static String sanitize(String s) {
        String n = s.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        return n.isEmpty() ? "server" : n.length() > 60 ? n.substring(0, 60) : n;
    }

    private static String uniqueName(String base, XaaConfig cfg) {
        String name = base;
        for (int i = 2; cfg.servers().containsKey(name); i++) {
            name = base + "-" + i;
        }
        return name;
    }
}
