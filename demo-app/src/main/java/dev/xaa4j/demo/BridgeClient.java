package dev.xaa4j.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;

/**
 * A real MCP client — the MCP Java SDK's {@link McpSyncClient} over {@link StdioClientTransport} — launching
 * {@code xaa bridge SERVER} exactly as VS Code or Claude Desktop would. The bridge's stderr (its log) is kept
 * aside and shown only on request.
 */
final class BridgeClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answer to one tool call: a result, a tool-level error ({@code isError}) or a JSON-RPC error. */
    record Outcome(boolean ok, String text) {
    }

    private final McpSyncClient client;
    private final ConcurrentLinkedQueue<String> stderr = new ConcurrentLinkedQueue<>();

    BridgeClient(XaaCommandLine xaa, String server) {
        List<String> cmd = xaa.command("bridge", server);
        ServerParameters params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size()))
                .env(xaa.environment()).build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(stderr::add);
        client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("xaa4j-demo", "xaa4j demo", "1"))
                .requestTimeout(TIMEOUT)
                .initializationTimeout(TIMEOUT)
                .build();
    }

    /** {@code initialize}: the upstream server's name (or the bridge's own when the upstream is refused). */
    String initialize() {
        McpSchema.InitializeResult r = client.initialize();
        return r.serverInfo().name() + " " + r.serverInfo().version();
    }

    List<String> toolNames() {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    Outcome call(String tool, Map<String, Object> args) {
        try {
            McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest(tool, args, null));
            String text = r.content().stream()
                    .map(c -> c instanceof McpSchema.TextContent t ? compact(t.text()) : c.type())
                    .collect(Collectors.joining(" "));
            return Boolean.TRUE.equals(r.isError()) ? new Outcome(false, "tool error: " + text) : new Outcome(true, text);
        } catch (McpError e) {
            McpSchema.JSONRPCResponse.JSONRPCError err = e.getJsonRpcError();
            String reason = err.data() == null ? "" : JSON.valueToTree(err.data()).path("reason").asText("");
            return new Outcome(false, "JSON-RPC error " + err.code() + (reason.isEmpty() ? "" : " " + reason) + ": " + err.message());
        }
    }

    /** The bridge's log lines so far. */
    List<String> bridgeLog() {
        return List.copyOf(stderr);
    }

    @Override
    public void close() {
        client.closeGracefully(); // closes stdin: the bridge drains, ends its session and exits 0
    }

    private static String compact(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node.isContainerNode() ? JSON.writeValueAsString(node) : text;
        } catch (Exception e) {
            return text;
        }
    }
}
