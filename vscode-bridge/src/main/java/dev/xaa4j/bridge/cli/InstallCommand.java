package dev.xaa4j.bridge.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.host.config.ClientInstaller;
import dev.xaa4j.connector.host.config.ClientInstaller.Client;
import dev.xaa4j.connector.host.config.ConfigPaths;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.LauncherLocation;
import dev.xaa4j.connector.host.config.XaaConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xaa install vscode|claude|cursor SERVER}: add {@code xaa bridge SERVER} to an AI client's MCP config. */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Add `xaa bridge SERVER` to an AI client's MCP configuration.",
                "",
                "Read-modify-write: other entries and keys are kept; an existing different entry is only replaced "
                        + "with --force; no secrets are written."})
final class InstallCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CLIENT", description = "vscode, claude or cursor") String client;
    @Parameters(index = "1", paramLabel = "SERVER", description = "a configured server name") String server;
    @Option(names = "--name", paramLabel = "NAME", description = "entry name in the client (default: SERVER)") String name;
    @Option(names = "--workspace", paramLabel = "DIR", description = "write the project file (.vscode/mcp.json, .cursor/mcp.json) under DIR")
    Path workspace;
    @Option(names = "--file", paramLabel = "FILE", description = "write this file instead") Path file;
    @Option(names = "--print", description = "print the entry instead of writing it") boolean print;
    @Option(names = "--force", description = "replace an existing different entry of the same name") boolean force;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Client c;
        try {
            c = Client.valueOf(client.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown client '" + client + "': vscode, claude or cursor");
        }
        XaaConfig config = ConfigStore.forCurrentUser().load();
        if (config.resolve(server).isEmpty()) {
            throw new IllegalArgumentException("unknown server '" + server + "': add it with `xaa server add " + server + " URL`");
        }
        String entryName = name != null ? name : XaaConfig.isUrl(server) ? null : server;
        if (entryName == null) {
            throw new IllegalArgumentException("SERVER is a URL: give the entry a --name");
        }
        ObjectNode entry = ClientInstaller.entry(c, launcher(), launcherArgs(), server);
        LauncherLocation.buildDirectoryWarning(Path.of(commandFile())).ifPresent(spec.commandLine().getErr()::println);
        var out = spec.commandLine().getOut();
        if (print) {
            out.println(ClientInstaller.pretty(entry));
            return XaaCommand.OK;
        }
        Path target = file != null ? file : ClientInstaller.configFile(c, workspace, System.getenv(),
                System.getProperty("os.name", ""), ConfigPaths.home());
        ClientInstaller.Outcome outcome = ClientInstaller.install(c, target, entryName, entry, force);
        out.println(outcome.name().toLowerCase(Locale.ROOT) + " \"" + entryName + "\" in " + target);
        return XaaCommand.OK;
    }

    /** The absolute launcher path (set by the {@code xaa} script), else {@code java}. */
    private static String launcher() {
        String script = System.getProperty("xaa.launcher");
        if (script != null) {
            return Path.of(script).toAbsolutePath().toString();
        }
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The file that AI clients will run: the launcher, else the jar or classes directory on the class path. */
    private static String commandFile() {
        if (System.getProperty("xaa.launcher") != null) {
            return launcher();
        }
        return System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0];
    }

    private static List<String> launcherArgs() {
        if (System.getProperty("xaa.launcher") != null) {
            return List.of();
        }
        return List.of("-cp", Path.of(System.getProperty("java.class.path")).toAbsolutePath().toString(),
                "dev.xaa4j.bridge.Main");
    }
}
