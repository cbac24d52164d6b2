package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last {@code InitializeResult} each MCP server gave, per endpoint and requested protocol version, so a
 * bridge can answer the client's {@code initialize} the moment it arrives and connect upstream (keyring,
 * token exchange, jwt-bearer, the server's own initialize) in the background. The upstream's real answer then
 * replaces the entry; when it differs the bridge tells the client through {@code list_changed} notifications.
 *
 * <p>What is stored is what the server tells every client before any tool runs (protocol version, capabilities,
 * server info, instructions): no tokens, no session ids, nothing from the IdP. Files are private to the user
 * anyway (directory 0700, files 0600 where POSIX permissions exist) and written atomically; an unreadable,
 * foreign or oversized entry is ignored and replaced, never trusted.
 */
public final class InitializeCache {

    private static final Logger LOG = LoggerFactory.getLogger(InitializeCache.class);
    /** Larger answers (huge instructions) are not worth a file read on every start. */
    static final int MAX_BYTES = 256 * 1024;
    private static final int FORMAT = 1;

    private final Path dir;
    private final ObjectMapper mapper;

    private InitializeCache(Path dir) {
        this.dir = dir;
        this.mapper = dir == null ? null : new ObjectMapper();
    }

    /** A cache in {@code dir} (created on first write). */
    public static InitializeCache in(Path dir) {
        return new InitializeCache(dir);
    }

    /** No cache: every {@code initialize} waits for the server (up to the initialize budget). */
    public static InitializeCache disabled() {
        return new InitializeCache(null);
    }

    boolean enabled() {
        return dir != null;
    }

    /** The server's last answer to an {@code initialize} asking for {@code requestedVersion}, if one is known. */
    public Optional<ObjectNode> lookup(URI endpoint, String requestedVersion) {
        if (dir == null) {
            return Optional.empty();
        }
        Path file = file(endpoint, requestedVersion);
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                return Optional.empty();
            }
            JsonNode entry = mapper.readTree(file.toFile());
            JsonNode result = entry.path("result");
            if (entry.path("format").asInt() != FORMAT
                    || !endpoint.toString().equals(entry.path("endpoint").asText())
                    || !requestedVersion.equals(entry.path("requestedProtocolVersion").asText())
                    || !looksLikeInitializeResult(result)) {
                LOG.debug("ignoring initialize cache entry {}: not an entry for {} {}", file, endpoint, requestedVersion);
                return Optional.empty();
            }
            return Optional.of((ObjectNode) result);
        } catch (IOException | RuntimeException e) {
            LOG.debug("ignoring unreadable initialize cache entry {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** Records the server's answer; best effort (a read-only or full disk only costs the fast start). */
    public void remember(URI endpoint, String requestedVersion, JsonNode result) {
        if (dir == null || !looksLikeInitializeResult(result)) {
            return;
        }
        ObjectNode entry = mapper.createObjectNode();
        entry.put("format", FORMAT);
        entry.put("endpoint", endpoint.toString());
        entry.put("requestedProtocolVersion", requestedVersion);
        entry.put("savedAt", Instant.now().toString());
        entry.set("result", result);
        Path file = file(endpoint, requestedVersion);
        Path tmp = null;
        try {
            byte[] bytes = mapper.writeValueAsBytes(entry);
            if (bytes.length > MAX_BYTES) {
                LOG.debug("not caching a {} byte initialize answer from {}", bytes.length, endpoint);
                return;
            }
            createPrivateDirectory(dir);
            tmp = Files.createTempFile(dir, "init", ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not cache the initialize answer of {}: {}", endpoint, e.toString());
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a stray temp file in the cache directory is harmless
                }
            }
        }
    }

    /** Forgets the entry (the server refused the initialize it describes). */
    public void forget(URI endpoint, String requestedVersion) {
        if (dir == null) {
            return;
        }
        try {
            Files.deleteIfExists(file(endpoint, requestedVersion));
        } catch (IOException e) {
            LOG.debug("could not drop the initialize cache entry of {}: {}", endpoint, e.toString());
        }
    }

    Path file(URI endpoint, String requestedVersion) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((endpoint + "\n" + requestedVersion).getBytes(StandardCharsets.UTF_8));
            return dir.resolve("initialize-" + HexFormat.of().formatHex(digest, 0, 16) + ".json");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    /** The shape MCP "Lifecycle" §Initialization gives an InitializeResult. */
    static boolean looksLikeInitializeResult(JsonNode result) {
        return result != null && result.isObject() && result.path("protocolVersion").isTextual()
                && result.path("capabilities").isObject() && result.path("serverInfo").isObject();
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir); // not POSIX (Windows): the per-user profile directory is private already
        }
    }
}
