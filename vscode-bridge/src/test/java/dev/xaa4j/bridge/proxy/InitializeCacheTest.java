package dev.xaa4j.bridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-user cache of servers' initialize answers: what it keeps, where, and what it refuses to trust. */
class InitializeCacheTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final URI NOTES = URI.create("https://mcp.example.com/notes/mcp");

    @TempDir
    Path dir;

    static JsonNode result(String name) throws Exception {
        return JSON.readTree("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{\"listChanged\":true}},"
                + "\"serverInfo\":{\"name\":\"" + name + "\",\"version\":\"1\"},\"instructions\":\"Team notes\"}");
    }

    @Test
    void remembersPerEndpointAndRequestedVersionInAPrivateDirectory() throws Exception {
        InitializeCache cache = InitializeCache.in(dir.resolve("initialize"));
        assertThat(cache.lookup(NOTES, "2025-06-18")).isEmpty();

        cache.remember(NOTES, "2025-06-18", result("notes"));
        assertThat(cache.lookup(NOTES, "2025-06-18")).contains((com.fasterxml.jackson.databind.node.ObjectNode) result("notes"));
        assertThat(cache.lookup(NOTES, "2025-03-26")).as("another requested version is another answer").isEmpty();
        assertThat(cache.lookup(URI.create("https://mcp.example.com/tickets/mcp"), "2025-06-18")).isEmpty();

        Path file = cache.file(NOTES, "2025-06-18");
        assertThat(Files.getPosixFilePermissions(dir.resolve("initialize")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(Files.readString(file)).contains("\"endpoint\":\"" + NOTES + "\"").doesNotContainIgnoringCase("bearer");
        try (var files = Files.list(dir.resolve("initialize"))) {
            assertThat(files).as("written atomically: no temp file left").containsExactly(file);
        }

        cache.remember(NOTES, "2025-06-18", result("notes v2"));
        assertThat(cache.lookup(NOTES, "2025-06-18").orElseThrow().path("serverInfo").path("name").asText()).isEqualTo("notes v2");
        cache.forget(NOTES, "2025-06-18");
        assertThat(cache.lookup(NOTES, "2025-06-18")).isEmpty();
    }

    @Test
    void ignoresEntriesItCannotTrustAndNeverStoresWhatIsNotAnInitializeResult() throws Exception {
        InitializeCache cache = InitializeCache.in(dir);
        Path file = cache.file(NOTES, "2025-06-18");

        Files.writeString(file, "{not json");
        assertThat(cache.lookup(NOTES, "2025-06-18")).as("corrupt").isEmpty();

        Files.writeString(file, "{\"format\":1,\"endpoint\":\"https://evil.example/mcp\",\"requestedProtocolVersion\":\"2025-06-18\","
                + "\"result\":" + result("evil") + "}");
        assertThat(cache.lookup(NOTES, "2025-06-18")).as("an entry for another endpoint under this name").isEmpty();

        Files.writeString(file, "{\"format\":1,\"endpoint\":\"" + NOTES + "\",\"requestedProtocolVersion\":\"2025-06-18\","
                + "\"result\":{\"protocolVersion\":\"2025-06-18\"}}");
        assertThat(cache.lookup(NOTES, "2025-06-18")).as("not an InitializeResult").isEmpty();

        Files.writeString(file, "{\"format\":1,\"endpoint\":\"" + NOTES + "\",\"requestedProtocolVersion\":\"2025-06-18\","
                + "\"result\":" + result("notes") + ",\"pad\":\"" + "x".repeat(InitializeCache.MAX_BYTES) + "\"}");
        assertThat(cache.lookup(NOTES, "2025-06-18")).as("oversized").isEmpty();

        Files.delete(file);
        cache.remember(NOTES, "2025-06-18", JSON.readTree("{\"error\":{\"code\":-32602}}"));
        cache.remember(NOTES, "2025-06-18", JSON.readTree("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"serverInfo\":{\"name\":\"n\"},\"instructions\":\"" + "y".repeat(InitializeCache.MAX_BYTES) + "\"}"));
        assertThat(file).doesNotExist();
    }

    @Test
    void aDisabledCacheKeepsNothingAndAnUnwritableOneOnlyCostsTheFastStart() throws Exception {
        InitializeCache off = InitializeCache.disabled();
        off.remember(NOTES, "2025-06-18", result("notes"));
        assertThat(off.lookup(NOTES, "2025-06-18")).isEmpty();

        Path blocker = dir.resolve("a-file");
        Files.writeString(blocker, "");
        InitializeCache unwritable = InitializeCache.in(blocker.resolve("initialize"));
        unwritable.remember(NOTES, "2025-06-18", result("notes")); // must not throw
        assertThat(unwritable.lookup(NOTES, "2025-06-18")).isEmpty();
    }
}
