package dev.xaa4j.bridge.cli;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.bridge.session.MemorySecrets;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.host.broker.BrokerStatus;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.host.config.XaaConfig;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the session lives and what that means for each command: the OS keyring (every process can sign in and
 * get tokens itself), or only the memory of the session owner ({@code xaa agent --memory}, the tray app), when
 * every other process goes through its broker and nothing falls back to the keyring. Stateless.
 */
final class SessionOwner {

    /** The mode as the user chose it, for messages. */
    static final String START_AGENT = "`xaa agent --memory`";

    private SessionOwner() {
    }

    /**
     * A memory session owner's state: the session store (outlives a rebuild for another IdP), the client secrets
     * read at start, and the environment a sign-in's browser gets (the agent's, without the secret variables).
     */
    record Memory(CredentialStore store, MemorySecrets secrets, Map<String, String> browserEnvironment) {
        /**
         * The settings of a connector that keeps everything in memory: the session in {@link #store}, client
         * secrets from {@link #secrets} for the configuration {@code config} supplies (servers come and go), no
         * watch for other processes' sign-ins (nobody else can reach this memory), and the browser of a sign-in
         * started with {@link #browserEnvironment}.
         */
        Connector.Builder settings(Connector.Builder b, Supplier<XaaConfig> config) {
            return ConnectorInternals.browserSignIn(ConnectorInternals.credentialStore(b, store)
                    .clientCredentials(secrets.forConfig(config))
                    .sessionWatchInterval(Duration.ZERO),
                    new BrowserSignIn(Clock.systemUTC(), Duration.ofSeconds(10), browserEnvironment), SignInOptions.defaults());
        }
    }

    /** Whether the per-user config (or {@code XAA_SESSION_STORAGE}) keeps the session in memory. */
    static boolean memoryConfigured() {
        return ConfigStore.forCurrentUser().load().sessionStorage() == SessionStorage.MEMORY;
    }

    /**
     * The memory mode of {@code xaa agent}, when {@code --memory} is given or the config says so; client secrets
     * from this process's environment and {@code secretsFd}.
     *
     * @throws IllegalArgumentException {@code --secrets-fd} without the memory mode, or an unreadable descriptor;
     *                                  a {@code ManagedSettingException} for {@code --memory} when the policy
     *                                  locks the session storage to the keyring
     */
    static Optional<Memory> memoryMode(boolean flag, Integer secretsFd) {
        if (flag) {
            ConfigStore.forCurrentUser().requireSessionStorage(SessionStorage.MEMORY); // a locked key beats a flag
        }
        if (!flag && !memoryConfigured()) {
            if (secretsFd != null) {
                throw new IllegalArgumentException("--secrets-fd is for the memory mode: `xaa agent --memory --secrets-fd "
                        + secretsFd + "` (with the OS keyring, store secrets with `xaa secret set`)");
            }
            return Optional.empty();
        }
        MemorySecrets secrets;
        try (Reader fd = secretsFd == null ? null : Files.newBufferedReader(descriptor(secretsFd), StandardCharsets.UTF_8)) {
            secrets = MemorySecrets.read(System.getenv(), Optional.ofNullable(fd));
        } catch (IOException e) {
            throw new IllegalArgumentException("--secrets-fd " + secretsFd + ": cannot read it (" + e.getMessage()
                    + "); open it for the agent, e.g. `xaa agent --memory --secrets-fd 3 3<secrets.txt`");
        }
        Map<String, String> browser = new HashMap<>(System.getenv());
        browser.keySet().removeIf(MemorySecrets::isSecretVariable);
        if (!browser.containsKey("BROWSER") && onPath("xdg-open")) {
            // Open the sign-in page with the scrubbed environment, not the desktop's (which inherits this process's).
            browser.put("BROWSER", "xdg-open");
        }
        return Optional.of(new Memory(new MemoryCredentialStore(), secrets, browser));
    }

    /** {@code /proc/self/fd/N} (Linux), else {@code /dev/fd/N} (macOS, BSD). */
    private static Path descriptor(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("--secrets-fd must be a file descriptor number (0 or more)");
        }
        Path proc = Path.of("/proc/self/fd/" + fd);
        return Files.exists(Path.of("/proc/self/fd")) ? proc : Path.of("/dev/fd/" + fd);
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    /** "in the memory of xaa agent (pid N); it ends when the agent stops", or "in the OS keyring". */
    static String where(BrokerStatus broker) {
        return broker.sessionStorage() == SessionStorage.MEMORY
                ? "in the memory of xaa agent (pid " + broker.pid() + "); it ends when the agent stops"
                : "in the OS keyring";
    }

    /** Whether {@code broker} keeps the only session there is (its clients must never fall back to the keyring). */
    static boolean inMemory(BrokerClient broker) {
        return broker.sessionStorage() == SessionStorage.MEMORY;
    }

    /** The config keeps the session in memory and no session owner runs: exit 3, naming the command to run. */
    static BridgeException noAgent() {
        return new BridgeException(Reason.SIGN_IN_REQUIRED, "no session: the configuration keeps it only in the memory "
                + "of the session owner (sessionStorage memory) and no xaa agent or tray app runs; start one with "
                + START_AGENT + ", then run `xaa login`");
    }

    /** The config keeps the session in memory, but the running session owner keeps it in the keyring. */
    static BridgeException keyringOwner(long pid) {
        return new BridgeException(Reason.SIGN_IN_REQUIRED, "the configuration keeps the session only in memory "
                + "(sessionStorage memory), but the running xaa agent or tray app (pid " + pid + ") keeps it in the OS "
                + "keyring: stop it and start " + START_AGENT + ", then run `xaa login`");
    }

    /** {@code xaa secret set} would write the keyring, which the memory mode never uses. */
    static IllegalArgumentException noKeyringSecrets(String name, Optional<String> server) {
        String env = server.map(MemorySecrets::asEnvName).orElse(MemorySecrets.IDP_ENV);
        String line = server.map(s -> MemorySecrets.AS_LINE_PREFIX + s).orElse(MemorySecrets.IDP_LINE);
        return new IllegalArgumentException("the session lives only in the memory of xaa agent, so `xaa secret set` "
                + "(which writes the OS keyring) is off: give " + name + " to the agent when it starts, as " + env
                + " in its environment or as an `" + line + "=…` line on `xaa agent --memory --secrets-fd N`");
    }
}
