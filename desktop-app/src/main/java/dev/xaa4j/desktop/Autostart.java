package dev.xaa4j.desktop;

import dev.xaa4j.connector.host.config.ConfigPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * "Start at login" for the tray app, off until the user asks: an XDG autostart entry,
 * {@code $XDG_CONFIG_HOME/autostart/xaa4j-tray.desktop} (else {@code ~/.config/autostart}), that runs this
 * installation's tray launcher by its absolute path. Its presence is the setting; nothing else records it.
 * Desktop entries are the freedesktop.org Desktop Entry and Autostart specifications (Linux and other XDG
 * desktops). Not thread-safe against a concurrent writer of the same file (the last write wins).
 *
 * @param entry the autostart entry file
 */
public record Autostart(Path entry) {

    /** The entry's file name (the same as the one the distribution ships in {@code share/xaa4j/autostart}). */
    static final String FILE_NAME = "xaa4j-tray.desktop";

    /** The entry file for {@code env} and {@code home}. */
    public static Autostart of(Map<String, String> env, String osName, Path home) {
        return new Autostart(ConfigPaths.userConfigRoot(env, osName, home).resolve("autostart").resolve(FILE_NAME));
    }

    public boolean enabled() {
        return Files.isRegularFile(entry);
    }

    /**
     * Writes the entry (atomically, replacing an older one) so that the desktop starts {@code trayLauncher}
     * at login, in the tray.
     *
     * @param trayLauncher the absolute path of the tray launcher ({@code bin/xaa-tray})
     * @throws IOException when the autostart directory or file cannot be written
     */
    public void enable(Path trayLauncher) throws IOException {
        Files.createDirectories(entry.getParent());
        Path tmp = Files.createTempFile(entry.getParent(), ".xaa4j-tray-", ".tmp");
        try {
            Files.writeString(tmp, content(trayLauncher), StandardCharsets.UTF_8);
            Files.move(tmp, entry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Removes the entry; nothing happens when there is none. */
    public void disable() throws IOException {
        Files.deleteIfExists(entry);
    }

    /** The entry's text: {@code Exec} quoted as the Desktop Entry specification asks (a path with spaces works). */
    static String content(Path trayLauncher) {
        String quoted = "\"" + trayLauncher.toAbsolutePath().toString()
                .replace("\\", "\\\\\\\\").replace("\"", "\\\\\"").replace("`", "\\\\`").replace("$", "\\\\$") + "\"";
        return "[Desktop Entry]\n"
                + "Type=Application\n"
                + "Name=xaa4j\n"
                + "Comment=Sign in once for your AI tools' MCP servers\n"
                + "Exec=" + quoted + "\n"
                + "Icon=xaa4j\n"
                + "Terminal=false\n"
                + "X-GNOME-Autostart-enabled=true\n";
    }
}
