package dev.xaa4j.desktop;

import dev.xaa4j.connector.config.ConfigPaths;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.broker.BrokerSocket;
import dev.xaa4j.connector.store.MemoryCredentialStore;
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
 *   <li>{@code --memory-session}: keep the IdP session in memory instead of the OS keyring (demos)</li>
 *   <li>{@code --client-secrets-stdin}: read {@code clientId=secret} lines from stdin and keep them in memory
 *       (demos against the sample issuer; never from argv or the environment). Default: the OS keyring.</li>
 * </ul>
 * Exit code 3 when there is no display (use {@code xaa agent} or {@code ./demo} headless instead).
 */
public final class DesktopLauncher {

    private DesktopLauncher() {
    }

    public static void main(String[] args) throws IOException {
        Path config = ConfigPaths.configFile();
        boolean tray = true;
        boolean memorySession = false;
        boolean secretsFromStdin = false;
        boolean broker = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--no-tray" -> tray = false;
                case "--memory-session" -> memorySession = true;
                case "--client-secrets-stdin" -> secretsFromStdin = true;
                case "--no-broker" -> broker = false;
                case "-h", "--help" -> {
                    System.out.println("usage: xaa-desktop [--config FILE] [--no-tray] [--no-broker] [--memory-session] [--client-secrets-stdin]");
                    return;
                }
                default -> {
                    System.err.println("xaa-desktop: unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        String noDisplay = noDisplayReason(System.getenv(), System.getProperty("os.name", ""));
        if (noDisplay != null) {
            System.err.println("xaa-desktop: " + noDisplay);
            System.exit(3);
        }
        ClientCredentialsSource credentials = secretsFromStdin ? readSecrets() : null;
        Engine.Options engine = new Engine.Options(memorySession ? new MemoryCredentialStore() : null, credentials,
                null, null, null);
        DesktopApp.configure(new DesktopShell.Options(config, System.getenv(), engine, tray,
                Duration.ofSeconds(1), Duration.ofSeconds(30), broker ? BrokerSocket.defaultPath() : null));
        Application.launch(DesktopApp.class);
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
