package dev.xaa4j.desktop;

import dev.xaa4j.connector.host.config.ConfigPaths;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.host.broker.BrokerSocket;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javafx.application.Application;

/**
 * {@code xaa-desktop [--config FILE] [--no-tray] [--no-broker] [--memory-session] [--client-secrets-stdin]}
 *
 * <ul>
 *   <li>{@code --config FILE}: the {@code xaa} config file (default: {@code $XAA_CONFIG}, else
 *       {@code <user config dir>/xaa4j/config.json}, the file {@code xaa} uses)</li>
 *   <li>{@code --no-tray}: window only</li>
 *   <li>{@code --no-broker}: do not serve tokens to bridges on the {@code xaa agent} socket (default: serve)</li>
 *   <li>{@code --memory-session}: keep the IdP session in memory instead of the OS keyring (machines without
 *       one; also when the config says {@code "sessionStorage": "memory"}); the app then serves it to bridges
 *       and {@code xaa token} like {@code xaa agent --memory}, and it ends when the app quits</li>
 *   <li>{@code --client-secrets-stdin}: read {@code clientId=secret} lines from stdin and keep them in memory
 *       (demos against the sample issuer; never from argv or the environment). Default: the OS keyring.</li>
 *   <li>{@code --autostart on|off}: start this installation's tray app at login, or no longer ({@link Autostart};
 *       off by default); needs no display and exits</li>
 *   <li>{@code --check-display}: only open the display and close it again; exit 0 if it opens, else 3 with the
 *       same one line as below (for scripts such as {@code ./demo} that fall back to a terminal)</li>
 * </ul>
 * Exit code 3, with one line on stderr and no stack trace, when there is no display (neither {@code DISPLAY} nor
 * {@code WAYLAND_DISPLAY} set) or the display cannot be opened (a stale {@code DISPLAY}, e.g. {@code :99} after
 * the X server is gone, or an SSH session without X forwarding): use {@code xaa agent} or {@code ./demo
 * --headless} instead, or start the desktop session.
 */
public final class DesktopLauncher {

    /** The exit code for "no usable display". */
    static final int NO_DISPLAY = 3;

    /** Held so that its filter stays (loggers are weakly referenced). */
    private static final java.util.logging.Logger JAVAFX_LOG = java.util.logging.Logger.getLogger("javafx");

    private DesktopLauncher() {
    }

    public static void main(String[] args) throws IOException {
        Path config = ConfigPaths.configFile();
        boolean tray = true;
        boolean memorySession = false;
        boolean secretsFromStdin = false;
        boolean broker = true;
        boolean checkDisplay = false;
        String autostart = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--no-tray" -> tray = false;
                case "--memory-session" -> memorySession = true;
                case "--client-secrets-stdin" -> secretsFromStdin = true;
                case "--no-broker" -> broker = false;
                case "--check-display" -> checkDisplay = true;
                case "--autostart" -> autostart = i + 1 < args.length ? args[++i] : "";
                case "-h", "--help" -> {
                    System.out.println("usage: xaa-desktop [--config FILE] [--no-tray] [--no-broker] [--memory-session] [--client-secrets-stdin] [--check-display] [--autostart on|off]");
                    return;
                }
                default -> {
                    System.err.println("xaa-desktop: unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        if (autostart != null) {
            System.exit(autostart(autostart, System.getProperty("xaa.tray.launcher"),
                    Autostart.of(System.getenv(), System.getProperty("os.name", ""), ConfigPaths.home())));
        }
        String noDisplay = noDisplayReason(System.getenv(), System.getProperty("os.name", ""));
        if (noDisplay != null) {
            System.err.println("xaa-desktop: " + noDisplay);
            System.exit(NO_DISPLAY);
        }
        // the runnable jar carries JavaFX on the classpath by design: its start-up warning about that is noise
        JAVAFX_LOG.setFilter(r -> r.getMessage() == null || !r.getMessage().startsWith("Unsupported JavaFX configuration"));
        if (checkDisplay) {
            try {
                javafx.application.Platform.startup(() -> { });
                javafx.application.Platform.exit();
                System.exit(0);
            } catch (RuntimeException e) {
                exitIfDisplayUnusable(e);
                throw e;
            }
        }
        if (memorySession) {
            try {
                new dev.xaa4j.connector.host.config.ConfigStore(config, System.getenv())
                        .requireSessionStorage(dev.xaa4j.connector.host.config.SessionStorage.MEMORY); // a locked key beats a flag
            } catch (IllegalArgumentException managedOrMalformed) {
                System.err.println("xaa-desktop: --memory-session: " + managedOrMalformed.getMessage());
                System.exit(2);
            }
        }
        memorySession |= memoryConfigured(config); // `xaa config session-storage memory`: off by default
        ClientCredentialsSource credentials = secretsFromStdin ? readSecrets() : null;
        TraySession.Options session = new TraySession.Options(memorySession ? new MemoryCredentialStore() : null, credentials,
                null, null, null);
        DesktopApp.configure(new DesktopShell.Options(config, System.getenv(), session, tray,
                Duration.ofSeconds(1), Duration.ofSeconds(30), broker ? BrokerSocket.defaultPath() : null));
        try {
            Application.launch(DesktopApp.class);
        } catch (RuntimeException e) {
            exitIfDisplayUnusable(e);
            throw e;
        }
    }

    /**
     * {@code --autostart on|off}: writes or removes the autostart entry for {@code trayLauncher} (the path the
     * launcher script was run as) and says so in one line; exit 0, or 2 with the command to use.
     */
    static int autostart(String choice, String trayLauncher, Autostart entry) {
        try {
            switch (choice) {
                case "on" -> {
                    if (trayLauncher == null) {
                        System.err.println("xaa-desktop: --autostart on needs the tray launcher of an installation: run "
                                + "`bin/xaa-tray --autostart on` from the unpacked or installed xaa4j (/usr/bin/xaa-tray).");
                        return 2;
                    }
                    Path launcher = Path.of(trayLauncher);
                    dev.xaa4j.connector.host.config.LauncherLocation.buildDirectoryWarning(launcher).ifPresent(System.err::println);
                    entry.enable(launcher);
                    System.out.println("xaa4j starts at login: wrote " + entry.entry() + " (undo: `xaa-tray --autostart off`)");
                }
                case "off" -> {
                    entry.disable();
                    System.out.println("xaa4j no longer starts at login (" + entry.entry() + " removed)");
                }
                default -> {
                    System.err.println("xaa-desktop: --autostart takes on or off, not '" + choice + "'");
                    return 2;
                }
            }
            return 0;
        } catch (IOException e) {
            System.err.println("xaa-desktop: cannot change " + entry.entry() + ": " + e.getMessage());
            return 1;
        }
    }

    /** A toolkit start that failed on the display: one line and {@link #NO_DISPLAY}, never a stack trace. */
    private static void exitIfDisplayUnusable(RuntimeException e) {
        String reason = displayUnusableReason(e, System.getenv());
        if (reason != null) {
            System.err.println("xaa-desktop: " + reason);
            System.exit(NO_DISPLAY);
        }
    }

    /**
     * The one-line explanation when {@code failure} (from starting JavaFX) means the display cannot be opened
     * (GTK: {@code UnsupportedOperationException: Unable to open DISPLAY}), else null.
     */
    static String displayUnusableReason(Throwable failure, Map<String, String> env) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && message.contains("open DISPLAY")) {
                String display = !blank(env.get("DISPLAY")) ? env.get("DISPLAY") : env.getOrDefault("WAYLAND_DISPLAY", "");
                return "cannot open display " + display + "; start your desktop session or unset DISPLAY (on a server, "
                        + "run `xaa agent` for tokens, or `./demo --headless` for the demo).";
            }
        }
        return null;
    }

    /** Linux and other X11/Wayland systems need a display; macOS and Windows always have one. */
    static String noDisplayReason(Map<String, String> env, String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac") || os.startsWith("windows")) {
            return null;
        }
        if (blank(env.get("DISPLAY")) && blank(env.get("WAYLAND_DISPLAY"))) {
            return "there is no display (DISPLAY is not set). On a server, run `xaa agent` for tokens, or `./demo` "
                    + "for the headless demo; to try the window, run it under `xvfb-run -a`.";
        }
        return null;
    }

    /** Whether the shared config keeps the session in memory (an unreadable config: the app shows that later). */
    static boolean memoryConfigured(Path config) {
        try {
            return new dev.xaa4j.connector.host.config.ConfigStore(config, System.getenv()).load().sessionStorage()
                    == dev.xaa4j.connector.host.config.SessionStorage.MEMORY;
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static ClientCredentialsSource readSecrets() throws IOException {
        Map<String, String> secrets = new HashMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                secrets.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
            }
        }
        return ClientCredentialsSource.ofSecrets(secrets);
    }
}
