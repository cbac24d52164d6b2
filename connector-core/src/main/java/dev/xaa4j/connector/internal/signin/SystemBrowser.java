package dev.xaa4j.connector.internal.signin;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product's {@link BrowserLauncher} (RFC 8252 §4.1, the system browser): a browser command (the configured one,
 * else the {@code BROWSER} environment variable; {@code %s} is replaced by the URL, else the URL is the last
 * argument; run without a shell, stdout discarded because it may be a JSON-RPC channel, with exactly the given
 * environment), else {@link java.awt.Desktop#browse} when a desktop exists, else the URL on stderr. Never throws:
 * a failing command is logged and the URL printed. Immutable and thread-safe.
 */
public final class SystemBrowser implements BrowserLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(SystemBrowser.class);

    private final String command;
    private final Map<String, String> environment;

    /**
     * @param command     a browser command, or {@code null} for {@code BROWSER} from {@code environment}
     * @param environment where {@code BROWSER} is looked up, and the whole environment of the browser command
     */
    public SystemBrowser(String command, Map<String, String> environment) {
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        this.command = command != null ? command : this.environment.get("BROWSER");
    }

    @Override
    public void open(URI url) {
        if (command != null && !command.isBlank()) {
            List<String> argv = commandLine(command, url.toString());
            try {
                ProcessBuilder browser = new ProcessBuilder(argv);
                browser.environment().clear();
                browser.environment().putAll(environment);
                browser
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD) // stdout may be a JSON-RPC channel
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File(nullDevice())))
                        .start();
                LOG.debug("Opened the sign-in page with the browser command {}", argv.get(0));
                return;
            } catch (IOException e) {
                LOG.warn("Cannot run the browser command '{}': {}", argv.get(0), e.getMessage());
            }
        } else if (desktopBrowse(url)) {
            return;
        }
        System.err.println("To sign in, open this address in your browser: " + url);
    }

    static List<String> commandLine(String command, String url) {
        List<String> argv = new ArrayList<>();
        boolean substituted = false;
        for (String part : command.trim().split("\\s+")) {
            if (part.contains("%s")) {
                argv.add(part.replace("%s", url));
                substituted = true;
            } else {
                argv.add(part);
            }
        }
        if (!substituted) {
            argv.add(url);
        }
        return argv;
    }

    private static boolean desktopBrowse(URI url) {
        try {
            if (!java.awt.GraphicsEnvironment.isHeadless() && java.awt.Desktop.isDesktopSupported()
                    && java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.BROWSE)) {
                java.awt.Desktop.getDesktop().browse(url);
                return true;
            }
        } catch (Exception | LinkageError e) {
            LOG.debug("No desktop browser: {}", e.toString());
        }
        return false;
    }

    private static String nullDevice() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows") ? "NUL" : "/dev/null";
    }
}
