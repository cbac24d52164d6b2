package dev.xaa4j.connector.host.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where per-user files live on each platform: XDG Base Directory on Linux and other Unix
 * ({@code $XDG_CONFIG_HOME}, default {@code ~/.config}), {@code ~/Library/Application Support} on macOS,
 * {@code %APPDATA%} on Windows. Every per-user directory the product reads or writes (config, cache, state,
 * the broker's socket directory) is resolved here, and nowhere else.
 *
 * <p><b>The home directory</b> ({@link #home(Map, String, String)}): {@code $HOME} when it is set to an
 * absolute path, else the JVM's {@code user.home}; on Windows always {@code user.home}. A JVM takes
 * {@code user.home} from the account database ({@code getpwuid}), never from {@code $HOME}, so without this
 * rule {@code HOME=/tmp/x xaa ...} would still write under the account's home. Honouring {@code $HOME} is what
 * the XDG Base Directory specification assumes for its defaults and what {@code git}, {@code ssh},
 * {@code kubectl} and {@code gh} do, so a user (or a test, a build step, a sandbox) that moves {@code HOME}
 * moves every xaa4j file with it.
 *
 * <p>All methods are pure functions of their arguments (the no-argument forms read the current process's
 * environment and system properties) and thread-safe. Relative XDG values are ignored, as the XDG Base
 * Directory specification requires.
 */
public final class ConfigPaths {

    /** The folder name under each per-user root. */
    static final String APP = "xaa4j";

    private ConfigPaths() {
    }

    /**
     * The user's home directory: {@code $HOME} if set to an absolute path (not on Windows), else
     * {@code userHome} (the JVM's {@code user.home}). See the class comment for why.
     */
    public static Path home(Map<String, String> env, String osName, String userHome) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
            Path fromEnv = absolute(env.get("HOME"));
            if (fromEnv != null) {
                return fromEnv;
            }
        }
        return Path.of(userHome);
    }

    /** {@link #home(Map, String, String)} for the current process. */
    public static Path home() {
        return home(System.getenv(), osName(), System.getProperty("user.home"));
    }

    /** The user's configuration root (not yet the {@code xaa4j} folder). */
    public static Path userConfigRoot(Map<String, String> env, String osName, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String appData = env.get("APPDATA");
            return appData != null && !appData.isBlank() ? Path.of(appData) : home.resolve("AppData").resolve("Roaming");
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Application Support");
        }
        return xdg(env, "XDG_CONFIG_HOME", home.resolve(".config"));
    }

    /** {@code <root>/xaa4j/config.json}, or {@code $XAA_CONFIG} when set. */
    public static Path configFile(Map<String, String> env, String osName, Path home) {
        String explicit = env.get("XAA_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return userConfigRoot(env, osName, home).resolve(APP).resolve("config.json");
    }

    /**
     * The per-user cache directory {@code <cache root>/xaa4j}, or {@code $XAA_CACHE_DIR} when set: XDG
     * ({@code $XDG_CACHE_HOME}, default {@code ~/.cache}) on Linux and other Unix, {@code ~/Library/Caches} on
     * macOS, {@code %LOCALAPPDATA%} on Windows. Holds only what can be thrown away and rebuilt (never secrets).
     */
    public static Path cacheDir(Map<String, String> env, String osName, Path home) {
        String explicit = env.get("XAA_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String os = osName.toLowerCase(Locale.ROOT);
        Path root;
        if (os.startsWith("windows")) {
            root = localAppData(env, home);
        } else if (os.startsWith("mac")) {
            root = home.resolve("Library").resolve("Caches");
        } else {
            root = xdg(env, "XDG_CACHE_HOME", home.resolve(".cache"));
        }
        return root.resolve(APP);
    }

    /**
     * The per-user state directory (activity journal, lock files): {@code $XDG_STATE_HOME/xaa4j} (default
     * {@code ~/.local/state/xaa4j}) on Linux and other Unix, {@code ~/Library/Application Support/xaa4j} on
     * macOS, {@code %LOCALAPPDATA%\xaa4j} on Windows.
     */
    public static Path stateDir(Map<String, String> env, String osName, Path home) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return localAppData(env, home).resolve(APP);
        }
        if (os.startsWith("mac")) {
            return home.resolve("Library").resolve("Application Support").resolve(APP);
        }
        return xdg(env, "XDG_STATE_HOME", home.resolve(".local").resolve("state")).resolve(APP);
    }

    /**
     * The directory of the broker's socket ({@code xaa agent}, the tray app): {@code $XAA_RUNTIME_DIR} if set
     * (tests, several users' agents side by side), else {@code $XDG_RUNTIME_DIR/xaa4j} when that directory
     * exists, else {@code <state dir>/run}.
     */
    public static Path runtimeDir(Map<String, String> env, String osName, Path home) {
        String override = env.get("XAA_RUNTIME_DIR");
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        Path runtime = absolute(env.get("XDG_RUNTIME_DIR"));
        if (runtime != null && Files.isDirectory(runtime)) {
            return runtime.resolve(APP);
        }
        return stateDir(env, osName, home).resolve("run");
    }

    /** {@link #cacheDir(Map, String, Path)} for the current process's platform. */
    public static Path cacheDir() {
        return cacheDir(System.getenv(), osName(), home());
    }

    /** {@link #configFile(Map, String, Path)} for the current process's platform. */
    public static Path configFile() {
        return configFile(System.getenv(), osName(), home());
    }

    /** {@link #stateDir(Map, String, Path)} for the current process's platform. */
    public static Path stateDir() {
        return stateDir(System.getenv(), osName(), home());
    }

    /** {@link #runtimeDir(Map, String, Path)} for the current process's platform. */
    public static Path runtimeDir() {
        return runtimeDir(System.getenv(), osName(), home());
    }

    private static String osName() {
        return System.getProperty("os.name", "");
    }

    private static Path localAppData(Map<String, String> env, Path home) {
        String local = env.get("LOCALAPPDATA");
        return local != null && !local.isBlank() ? Path.of(local) : home.resolve("AppData").resolve("Local");
    }

    /** {@code $name} when set to an absolute path, else {@code fallback}. */
    private static Path xdg(Map<String, String> env, String name, Path fallback) {
        Path value = absolute(env.get(name));
        return value != null ? value : fallback;
    }

    private static Path absolute(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            Path p = Path.of(value);
            return p.isAbsolute() ? p : null;
        } catch (java.nio.file.InvalidPathException e) {
            return null;
        }
    }
}
