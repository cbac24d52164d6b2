package dev.xaa4j.desktop;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.host.config.ClientInstaller;
import dev.xaa4j.connector.host.config.ClientInstaller.Client;
import dev.xaa4j.connector.host.config.ConfigPaths;
import dev.xaa4j.connector.host.config.LauncherLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * "Copy VS Code config" and "Add to Claude Desktop": the same entries as {@code xaa install}
 * ({@link ClientInstaller}), running {@code xaa bridge NAME}. No secret is ever part of them.
 *
 * <p>The command is the {@code xaa} launcher when one is known (system property {@code xaa.launcher}, or
 * {@code xaa} on the {@code PATH}); otherwise this app's own jar, which contains the bridge
 * ({@code java JVM_STDERR_OPTIONS -cp xaa-desktop.jar dev.xaa4j.bridge.Main bridge NAME}).
 *
 * <p>The installed tray launcher passes its installation's {@code xaa} (beside it) as {@code xaa.launcher}. A
 * command in a build directory ({@link LauncherLocation}) still works, but {@link #buildDirectoryWarning} says
 * that the next build breaks it; both buttons add that line to their result.
 *
 * <p>That fallback has no launcher to move the JVM's own output off stdout (the launcher gives the JVM stderr as
 * fd 1), and stdout is the JSON-RPC channel: {@link #JVM_STDERR_OPTIONS} send whatever the JVM itself would print
 * (VM messages, unified logging, including {@code -verbose:gc} from {@code JAVA_TOOL_OPTIONS}) to stderr or
 * nowhere.
 */
public final class AiClients {

    /**
     * JVM options that keep the JVM's own output off stdout: VM messages to stderr, every unified-logging output
     * (which {@code JAVA_TOOL_OPTIONS=-verbose:gc} would put on stdout) off, then warnings to stderr.
     */
    static final List<String> JVM_STDERR_OPTIONS = List.of("-XX:+DisplayVMOutputToStderr", "-Xlog:disable",
            "-Xlog:all=warning:stderr");

    private final String command;
    private final List<String> commandArgs;
    private final Map<String, String> env;
    private final Path home;

    public AiClients(String command, List<String> commandArgs, Map<String, String> env, Path home) {
        this.command = command;
        this.commandArgs = List.copyOf(commandArgs);
        this.env = Map.copyOf(env);
        this.home = home;
    }

    /** Finds the {@code xaa} launcher, else runs the bridge from this process's classpath. */
    public static AiClients forCurrentUser() {
        return forEnv(System.getenv());
    }

    /**
     * {@link #forCurrentUser()} for the environment {@code env}: its {@code PATH} is searched for {@code xaa}, and
     * its {@code HOME} and XDG variables locate the AI clients' files ({@link ConfigPaths#home(Map, String, String)}).
     */
    public static AiClients forEnv(Map<String, String> env) {
        String launcher = System.getProperty("xaa.launcher");
        if (launcher == null) {
            launcher = onPath("xaa", env.getOrDefault("PATH", "")).map(Path::toString).orElse(null);
        }
        Path home = ConfigPaths.home(env, System.getProperty("os.name", ""), System.getProperty("user.home"));
        if (launcher != null) {
            return new AiClients(Path.of(launcher).toAbsolutePath().toString(), List.of(), env, home);
        }
        return new AiClients(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                fallbackArgs(classpath()), env, home);
    }

    /**
     * One line when the command these entries run lives in a build directory (the launcher, or in the fallback
     * the first class-path entry), else empty: see {@link LauncherLocation#buildDirectoryWarning}.
     */
    public java.util.Optional<String> buildDirectoryWarning() {
        int cp = commandArgs.indexOf("-cp");
        String file = cp >= 0 && cp + 1 < commandArgs.size()
                ? commandArgs.get(cp + 1).split(java.io.File.pathSeparator)[0] : command;
        return LauncherLocation.buildDirectoryWarning(Path.of(file));
    }

    /** The VS Code {@code mcp.json} snippet, ready to paste: {@code {"servers": {NAME: {...}}}}. */
    public String vscodeSnippet(String server) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.putObject("servers").set(server, ClientInstaller.entry(Client.VSCODE, command, commandArgs, server));
        return ClientInstaller.pretty(root);
    }

    /** Claude Desktop's config file on this platform. */
    public Path claudeConfigFile() {
        return configFile(Client.CLAUDE);
    }

    /** The client's user-level MCP config file on this platform ({@link ClientInstaller#configFile}). */
    public Path configFile(Client client) {
        return ClientInstaller.configFile(client, null, env, System.getProperty("os.name", ""), home);
    }

    /**
     * The AI clients installed for this user, in {@link Client} order: those whose own configuration folder exists
     * (VS Code: {@code <config root>/Code}, Claude Desktop: {@code <config root>/Claude}, Cursor: {@code ~/.cursor}).
     * Reads the file system; any thread.
     */
    public List<Client> found() {
        return java.util.Arrays.stream(Client.values()).filter(c -> Files.isDirectory(configDir(c))).toList();
    }

    private Path configDir(Client client) {
        Path file = configFile(client);
        return client == Client.VSCODE ? file.getParent().getParent() : file.getParent();
    }

    /** The client's name for people: "VS Code", "Claude Desktop", "Cursor". */
    public static String displayName(Client client) {
        return switch (client) {
            case VSCODE -> "VS Code";
            case CLAUDE -> "Claude Desktop";
            case CURSOR -> "Cursor";
        };
    }

    /**
     * Writes the entry running {@code xaa bridge server} into the client's config file, keeping every other entry.
     *
     * @param replace whether a different entry of that name is replaced
     * @throws IllegalStateException the file is not a JSON object, or holds a different entry and not {@code replace}
     */
    public ClientInstaller.Outcome install(Client client, String server, boolean replace) {
        return ClientInstaller.install(client, configFile(client), server,
                ClientInstaller.entry(client, command, commandArgs, server), replace);
    }

    /** Adds (or replaces) the entry in Claude Desktop's config, keeping every other entry. */
    public String addToClaude(String server) {
        Path file = claudeConfigFile();
        ClientInstaller.Outcome outcome = install(Client.CLAUDE, server, true);
        return switch (outcome) {
            case ADDED -> "Added \"" + server + "\" to Claude Desktop (" + file + "). Restart Claude Desktop to use it.";
            case REPLACED -> "Updated \"" + server + "\" in Claude Desktop (" + file + "). Restart Claude Desktop to use it.";
            case UNCHANGED -> "Claude Desktop already has \"" + server + "\".";
        };
    }

    /** The arguments after {@code java} that run the bridge from {@code classpath} with the JVM's output off stdout. */
    static List<String> fallbackArgs(String classpath) {
        List<String> args = new java.util.ArrayList<>(JVM_STDERR_OPTIONS);
        args.addAll(List.of("-cp", classpath, "dev.xaa4j.bridge.Main"));
        return List.copyOf(args);
    }

    private static java.util.Optional<Path> onPath(String name, String path) {
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return java.util.Optional.of(p);
                }
            }
        }
        return java.util.Optional.empty();
    }

    private static String classpath() {
        String cp = System.getProperty("java.class.path");
        StringBuilder out = new StringBuilder();
        for (String part : cp.split(java.io.File.pathSeparator)) {
            if (!part.isBlank()) {
                out.append(out.length() == 0 ? "" : java.io.File.pathSeparator).append(Path.of(part).toAbsolutePath());
            }
        }
        return out.toString();
    }
}
