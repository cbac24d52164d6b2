package dev.xaa4j.desktop;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorListener;
import dev.xaa4j.connector.host.SessionHost;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.signin.SystemBrowser;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.token.RenewalPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The tray app's session: the {@link SessionHost} of the per-user config file that {@code xaa} also reads
 * ({@link ConfigStore}), with the app's connector settings, plus what the app's "Add server" needs (discovery of a
 * pasted URL, a name for it). A server added or removed here or with {@code xaa server add/remove} is applied to
 * the running connector: the other servers keep their tokens and bridges stay connected; the IdP session lives in
 * the credential store. The broker is attached by {@link BrokerHost}.
 *
 * <p>Thread-safe; every method may block on I/O (config file, discovery), so call it off the FX thread.
 */
public final class TraySession implements AutoCloseable {

    /** How often the config file is looked at for changes made elsewhere ({@code xaa server add}). */
    static final Duration CONFIG_POLL = Duration.ofSeconds(2);

    /**
     * @param store       where the IdP session lives; null = the OS keyring (service {@code xaa4j}, shared with
     *                    {@code xaa login})
     * @param credentials client secrets; null = from {@code store}
     * @param stateDir    activity journal and lock files; null = the connector's default
     * @param signIn      browser command and timeout, for the company sign-in and every "Sign in to SERVER"; null =
     *                    defaults ({@code BROWSER}, then the desktop)
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
    private final SessionHost host;

    public TraySession(ConfigStore config, Options options) {
        this.config = Objects.requireNonNull(config, "config");
        this.options = Objects.requireNonNull(options, "options");
        this.store = options.store() != null ? options.store() : new KeyringCredentialStore(Connector.KEYRING_SERVICE);
        this.host = new SessionHost(config, this::settings, false);
    }

    /** The app's connector settings: its credential store, secrets, state directory, browser and timing. */
    private Connector.Builder settings(Connector.Builder b) {
        ConnectorInternals.discovery(ConnectorInternals.credentialStore(b, store), discovery);
        if (options.credentials() != null) {
            b.clientCredentials(options.credentials());
        }
        if (options.stateDir() != null) {
            b.stateDir(options.stateDir());
        }
        if (options.signIn() != null) {
            ConnectorInternals.browserSignIn(b, new BrowserSignIn(), options.signIn());
            // "Sign in to SERVER" opens the same browser as the company sign-in, from this process
            ConnectorInternals.browserLauncher(b, new SystemBrowser(options.signIn().browserCommand(), System.getenv()));
        }
        if (options.policy() != null) {
            ConnectorInternals.renewalPolicy(b, options.policy());
        }
        return b;
    }

    /** Where the session lives: the OS keyring by default, else the given store (this process's memory). */
    public SessionStorage sessionStorage() {
        return options.store() == null ? SessionStorage.KEYRING : SessionStorage.MEMORY;
    }

    /** The session host (the broker attaches to it). */
    public SessionHost host() {
        return host;
    }

    /** Events of whichever connector is current. */
    public void addListener(ConnectorListener listener) {
        host.addListener(listener);
    }

    /**
     * Reads the config file and applies it; empty while neither an IdP nor a server is configured (servers alone
     * are served by a connector without an IdP).
     */
    public Optional<Connector> reload() {
        return host.reload();
    }

    /** From now on, changes to the config file made elsewhere are applied; one that cannot be goes to {@code problem}. */
    public void follow(Consumer<RuntimeException> problem) {
        host.follow(CONFIG_POLL, problem);
    }

    public Optional<Connector> connector() {
        return host.connector();
    }

    public XaaConfig config() {
        return host.config();
    }

    public Path configFile() {
        return config.file();
    }

    /** The configuration with where each setting came from (the policy file, the user's file, the environment). */
    public dev.xaa4j.connector.host.config.EffectiveConfig effective() {
        return config.effective();
    }

    /** Where the session, the per-install client key and (by default) client secrets live. */
    CredentialStore credentialStore() {
        return store;
    }

    /** Whether client secrets come from the caller ({@link Options#credentials()}) rather than {@link #credentialStore()}. */
    boolean suppliedCredentials() {
        return options.credentials() != null;
    }

    /** RFC 9728 / 8414 discovery of an MCP server URL (cached); throws the connector's typed exceptions. */
    public ServerMetadata discover(URI url) {
        return discovery.server(url);
    }

    /** {@link #addServer(String, AuthMode)} with the flow left to discovery ({@link AuthMode#AUTO}). */
    public Added addServer(String url) {
        return addServer(url, AuthMode.AUTO);
    }

    /**
     * Discovers {@code url} (not for {@link AuthMode#NONE}: such a server publishes no metadata), then stores it with
     * {@code auth} as its flow ({@link ServerEntry#auth()}; {@link AuthMode#AUTO} stored as absent) under a name taken
     * from its path ({@code …/notes/mcp} → {@code notes}) and adds it to the running connector. A server behind an
     * authorization server already configured reuses that server's client id there, when both use the company
     * sign-in or both sign in separately (an EMA client is no plain OAuth client, and the reverse).
     *
     * @return the name and what discovery found (empty for {@link AuthMode#NONE})
     */
    public synchronized Added addServer(String url, AuthMode auth) {
        URI uri = URI.create(url.strip());
        Optional<ServerMetadata> md = auth == AuthMode.NONE ? Optional.empty() : Optional.of(discover(uri));
        XaaConfig cfg = config.load();
        if (cfg.servers().values().stream().anyMatch(s -> s.url().equals(uri.toString()))) {
            throw new IllegalArgumentException("This server is already in the list");
        }
        String name = uniqueName(suggestName(uri), cfg);
        String asClientId = md.flatMap(m -> cfg.servers().values().stream()
                .filter(s -> s.asClientId() != null && separately(s) == (auth == AuthMode.OAUTH))
                .filter(s -> sameAuthorizationServer(s, m.asIssuer()))
                .map(ServerEntry::asClientId).findFirst()).orElse(null);
        config.putServer(name, new ServerEntry(uri.toString(), null, List.of(), asClientId).withAuth(auth));
        reload();
        return new Added(name, md);
    }

    private static boolean separately(ServerEntry s) {
        return "oauth".equalsIgnoreCase(s.auth());
    }

    /** What {@link #addServer} stored; {@code metadata} is empty for a server added as {@link AuthMode#NONE}. */
    public record Added(String name, Optional<ServerMetadata> metadata) {
    }

    /** Removes {@code name} from the config file and the running connector (the others keep their tokens). */
    public synchronized boolean removeServer(String name) {
        boolean removed = config.removeServer(name);
        if (removed) {
            reload();
        }
        return removed;
    }

    /** Stops following the file, stops serving and closes the connector. */
    @Override
    public void close() {
        host.close();
    }

    private boolean sameAuthorizationServer(ServerEntry s, String asIssuer) {
        try {
            return discovery.server(URI.create(s.url())).asIssuer().equals(asIssuer);
        } catch (RuntimeException e) {
            return false; // unreachable now: do not guess
        }
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
