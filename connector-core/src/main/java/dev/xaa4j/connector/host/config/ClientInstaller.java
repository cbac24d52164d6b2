package dev.xaa4j.connector.host.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes an AI client's entry for {@code xaa bridge NAME} into that client's MCP config file, read-modify-write:
 * every other entry and every unknown key is kept, and an existing different entry of the same name is only
 * replaced when asked to. The entry holds a command and arguments only, never a secret.
 *
 * <table>
 *   <caption>Files and shapes</caption>
 *   <tr><th>client</th><th>file (user level)</th><th>shape</th></tr>
 *   <tr><td>vscode</td><td>{@code <Code user dir>/mcp.json}; {@code --workspace}: {@code .vscode/mcp.json}</td>
 *       <td>{@code {"servers": {NAME: {"type": "stdio", "command", "args"}}}}</td></tr>
 *   <tr><td>claude</td><td>Claude Desktop {@code claude_desktop_config.json}</td>
 *       <td>{@code {"mcpServers": {NAME: {"command", "args"}}}}</td></tr>
 *   <tr><td>cursor</td><td>{@code ~/.cursor/mcp.json}; {@code --workspace}: {@code .cursor/mcp.json}</td>
 *       <td>{@code {"mcpServers": {NAME: {"command", "args"}}}}</td></tr>
 * </table>
 */
public final class ClientInstaller {

    /** The AI clients we know how to configure. */
    public enum Client { VSCODE, CLAUDE, CURSOR }

    /** What {@link #install} did. */
    public enum Outcome { ADDED, UNCHANGED, REPLACED }

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ClientInstaller() {
    }

    /** The entry for {@code name}: {@code command bridge name}. */
    public static ObjectNode entry(Client client, String command, List<String> commandArgs, String name) {
        ObjectNode e = MAPPER.createObjectNode();
        if (client == Client.VSCODE) {
            e.put("type", "stdio");
        }
        e.put("command", command);
        var args = e.putArray("args");
        commandArgs.forEach(args::add);
        args.add("bridge");
        args.add(name);
        return e;
    }

    /** The key under which the client lists servers. */
    public static String serversKey(Client client) {
        return client == Client.VSCODE ? "servers" : "mcpServers";
    }

    /** The client's user-level config file on this platform; {@code workspace} (nullable) picks the project file. */
    public static Path configFile(Client client, Path workspace, Map<String, String> env, String osName, Path home) {
        switch (client) {
            case VSCODE:
                return workspace != null ? workspace.resolve(".vscode").resolve("mcp.json")
                        : ConfigPaths.userConfigRoot(env, osName, home).resolve("Code").resolve("User").resolve("mcp.json");
            case CURSOR:
                return (workspace != null ? workspace : home).resolve(".cursor").resolve("mcp.json");
            default:
                if (workspace != null) {
                    throw new IllegalArgumentException("Claude Desktop has no per-project config file; drop --workspace");
                }
                return ConfigPaths.userConfigRoot(env, osName, home).resolve("Claude").resolve("claude_desktop_config.json");
        }
    }

    /**
     * Puts {@code entry} under {@code name} in {@code file}. A different existing entry of the same name is
     * replaced only if {@code replace}; otherwise an {@link IllegalStateException} explains how to proceed.
     */
    public static Outcome install(Client client, Path file, String name, ObjectNode entry, boolean replace) {
        ObjectNode root = read(file);
        JsonNode existingServers = root.get(serversKey(client));
        if (existingServers != null && !existingServers.isObject()) {
            throw new IllegalStateException(file + ": \"" + serversKey(client) + "\" is not a JSON object; fix the file first");
        }
        ObjectNode servers = existingServers != null ? (ObjectNode) existingServers : root.putObject(serversKey(client));
        JsonNode old = servers.get(name);
        if (entry.equals(old)) {
            return Outcome.UNCHANGED;
        }
        if (old != null && !replace) {
            throw new IllegalStateException(file + " already has a different entry \"" + name
                    + "\"; rerun with --force to replace it, or pick another --name");
        }
        servers.set(name, entry);
        write(file, root);
        return old == null ? Outcome.ADDED : Outcome.REPLACED;
    }

    public static String pretty(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode read(Path file) {
        if (!Files.exists(file)) {
            return MAPPER.createObjectNode();
        }
        try {
            String text = Files.readString(file);
            if (text.isBlank()) {
                return MAPPER.createObjectNode();
            }
            JsonNode node = MAPPER.readTree(text);
            if (!node.isObject()) {
                throw new IllegalStateException(file + " does not hold a JSON object; not touching it");
            }
            return (ObjectNode) node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(file + " is not valid JSON (" + e.getOriginalMessage()
                    + "); not touching it. VS Code allows comments in mcp.json: remove them or add the entry by hand", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Replaces the file atomically; a symlink (dotfiles) is written through, and the file keeps its permissions. */
    private static void write(Path file, ObjectNode root) {
        try {
            Path target = Files.exists(file) ? file.toRealPath() : file.toAbsolutePath();
            Path dir = target.getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            Files.write(tmp, MAPPER.writeValueAsBytes(root));
            if (Files.exists(target) && dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, Files.getPosixFilePermissions(target));
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
