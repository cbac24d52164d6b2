package dev.xaa4j.connector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.host.config.ConfigPaths;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The current user's {@code xaa} configuration file (under the throwaway home surefire gives every test fork) holding
 * {@code servers} while a test runs: what a person has when a session owner serves them and a framework asks which
 * URL a server's tokens are for. Close restores the file as it was.
 */
public final class CurrentUserConfig implements AutoCloseable {

    private final Path file;
    private final Optional<byte[]> before;

    private CurrentUserConfig(Path file, Optional<byte[]> before) {
        this.file = file;
        this.before = before;
    }

    public static CurrentUserConfig withServers(Map<String, URI> servers) throws IOException {
        Path file = ConfigPaths.configFile();
        Optional<byte[]> before = Files.exists(file) ? Optional.of(Files.readAllBytes(file)) : Optional.empty();
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        ObjectNode entries = root.putObject("servers");
        servers.forEach((name, url) -> entries.putObject(name).put("url", url.toString()));
        Files.createDirectories(file.getParent());
        Files.writeString(file, json.writeValueAsString(root));
        return new CurrentUserConfig(file, before);
    }

    @Override
    public void close() throws IOException {
        if (before.isPresent()) {
            Files.write(file, before.get());
        } else {
            Files.deleteIfExists(file);
        }
    }
}
