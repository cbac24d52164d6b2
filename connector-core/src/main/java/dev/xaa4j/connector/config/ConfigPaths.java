package dev.xaa4j.connector.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where per-user files live on each platform: XDG Base Directory on Linux and other Unix
 * ({@code $XDG_CONFIG_HOME}, default {@code ~/.config}), {@code ~/Library/Application Support} on macOS,
 * {@code %APPDATA%} on Windows.
 */
public final class ConfigPaths {

    private ConfigPaths() {
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
        String xdg = env.get("XDG_CONFIG_HOME");
        return xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
    }

    /** {@code <root>/xaa4j/config.json}, or {@code $XAA_CONFIG} when set. */
    public static Path configFile(Map<String, String> env, String osName, Path home) {
        String explicit = env.get("XAA_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return userConfigRoot(env, osName, home).resolve("xaa4j").resolve("config.json");
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
            String local = env.get("LOCALAPPDATA");
            root = local != null && !local.isBlank() ? Path.of(local) : home.resolve("AppData").resolve("Local");
        } else if (os.startsWith("mac")) {
            root = home.resolve("Library").resolve("Caches");
        } else {
            String xdg = env.get("XDG_CACHE_HOME");
            root = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".cache");
        }
        return root.resolve("xaa4j");
    }

    /** {@link #cacheDir(Map, String, Path)} for the current process's platform. */
    public static Path cacheDir() {
        return cacheDir(System.getenv(), System.getProperty("os.name", ""), Path.of(System.getProperty("user.home")));
    }

    /** The current process's platform. */
    public static Path configFile() {
        return configFile(System.getenv(), System.getProperty("os.name", ""), Path.of(System.getProperty("user.home")));
    }
}
