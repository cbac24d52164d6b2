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
import java.util.stream.Collectors;

/**
 * The MCP client of interop/keycloak/run.sh: the MCP Java SDK's {@link McpSyncClient} over
 * {@link StdioClientTransport}, launching the given command (a wrapper around {@code xaa bridge kc}) the way an AI
 * client does, and keeping one MCP session open for: {@code initialize}, {@code tools/list}, {@code tools/call} of
 * each TOOL (no arguments), then a wait of WAIT seconds (past the access token's lifetime), then the same calls
 * again — which succeed only if the bridge renewed the token (refresh token grant, RFC 6749 §6) without a browser.
 *
 * <p>Run with the JDK's source launcher and xaa.jar (which carries the SDK) on the class path:
 * {@code java -cp xaa.jar McpSession.java TOOL[,TOOL...] WAIT COMMAND [ARGS...]}. Prints each step; exit 0 when every step
 * succeeded, 1 otherwise (the failing step said on stderr).
 */
public final class McpSession {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java -cp xaa.jar McpSession.java TOOL[,TOOL...] WAIT_SECONDS COMMAND [ARGS...]");
            System.exit(2);
        }
        List<String> calls = List.of(args[0].split(","));
        long waitSeconds = Long.parseLong(args[1]);
        ServerParameters params = ServerParameters.builder(args[2]).args(List.of(args).subList(3, args.length)).build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("xaa4j-keycloak-interop", "1"))
                .requestTimeout(Duration.ofSeconds(90)).initializationTimeout(Duration.ofSeconds(90)).build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            step("initialize: " + init.serverInfo().name() + " " + init.serverInfo().version());
            List<String> tools = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            step("tools/list: " + tools);
            if (!tools.containsAll(calls)) {
                fail("tools/list lacks one of " + calls);
            }
            for (String tool : calls) {
                step("tools/call " + tool + ": " + call(client, tool));
            }
            step("waiting " + waitSeconds + " s, past the access token's lifetime");
            Thread.sleep(Duration.ofSeconds(waitSeconds).toMillis());
            for (String tool : calls) {
                step("tools/call " + tool + " after expiry: " + call(client, tool));
            }
        } catch (McpError e) {
            fail("JSON-RPC error " + e.getJsonRpcError().code() + ": " + e.getJsonRpcError().message());
        } finally {
            client.closeGracefully(); // closes stdin: the bridge ends its session and exits
        }
    }

    private static String call(McpSyncClient client, String tool) {
        McpSchema.CallToolResult r = client.callTool(new McpSchema.CallToolRequest(tool, Map.of()));
        String text = r.content().stream().map(c -> c instanceof McpSchema.TextContent t ? t.text() : c.type())
                .collect(Collectors.joining(" "));
        if (Boolean.TRUE.equals(r.isError())) {
            fail("tools/call " + tool + " answered a tool error: " + text);
        }
        return text.replaceAll("\\s+", " ");
    }

    private static void step(String line) {
        System.out.println("mcp: " + line);
        System.out.flush();
    }

    private static void fail(String reason) {
        System.err.println("mcp: FAILED: " + reason);
        System.exit(1);
    }
}
