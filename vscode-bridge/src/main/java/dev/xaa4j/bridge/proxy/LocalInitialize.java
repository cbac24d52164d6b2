package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * The bridge's own answer to {@code initialize} (MCP "Lifecycle" §Initialization), given when the server's
 * cannot be: the protocol version the client asked for when the bridge knows it, else the latest
 * (§Version Negotiation); server info naming xaa; the {@code tools} capability. Stateless, thread-safe.
 */
final class LocalInitialize {

    static final Set<String> KNOWN_VERSIONS = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");
    static final String LATEST_VERSION = "2025-11-25";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private LocalInitialize() {
    }

    /**
     * An InitializeResult for {@code request}.
     *
     * @param server           the configured name or URL, for the title
     * @param version          the bridge's version
     * @param toolsListChanged whether the bridge will send {@code notifications/tools/list_changed} later
     * @param instructions     what the client (and its user) should know
     */
    static ObjectNode result(JsonNode request, String server, String version, boolean toolsListChanged, String instructions) {
        String requested = request.path("params").path("protocolVersion").asText("");
        ObjectNode result = NODES.objectNode();
        result.put("protocolVersion", KNOWN_VERSIONS.contains(requested) ? requested : LATEST_VERSION);
        ObjectNode tools = result.putObject("capabilities").putObject("tools");
        if (toolsListChanged) {
            tools.put("listChanged", true);
        }
        ObjectNode info = result.putObject("serverInfo");
        info.put("name", "xaa-bridge");
        info.put("title", server == null || server.isBlank()
                ? "xaa bridge (no MCP server given: fix this entry in the AI client's MCP configuration)"
                : "xaa bridge to " + server);
        info.put("version", version);
        result.put("instructions", instructions);
        return result;
    }
}
