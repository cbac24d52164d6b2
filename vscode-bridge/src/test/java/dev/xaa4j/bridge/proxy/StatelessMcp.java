package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.hc.client5.http.classic.methods.HttpPost;

/**
 * The MCP 2026-07-28 stateless wire (SEP-2575, SEP-2243) for the conformance harness, on the bridge's own
 * {@link UpstreamHttp}: no {@code initialize}; every POST carries {@code params._meta} with
 * {@code io.modelcontextprotocol/protocolVersion}, {@code …/clientCapabilities} and {@code …/clientInfo}, and the
 * headers {@code MCP-Protocol-Version} (equal to the {@code _meta} version), {@code Mcp-Method} and, for
 * {@code tools/call}, {@code Mcp-Name}. The authorization rules stay the bridge's ({@link UpstreamHttp#exchange}:
 * fresh {@code Authorization} per request, 401 → renew and replay once, 403 {@code insufficient_scope} → step up and
 * replay once); answers are read by the bridge's {@link ResponseRelay} (JSON or SSE). The Java MCP SDK has no
 * stateless client, which is why this wire lives here and not in the bridge yet. Not thread-safe (one caller).
 */
final class StatelessMcp {

    static final String VERSION = "2026-07-28";
    private static final String META = "io.modelcontextprotocol/";

    private final UpstreamHttp http;
    private final ResponseRelay relay;
    private final ObjectMapper mapper;
    private final ObjectNode capabilities;
    private final ObjectNode clientInfo;
    private final Consumer<JsonNode> others;
    private final AtomicLong ids = new AtomicLong();

    StatelessMcp(UpstreamHttp http, ObjectMapper mapper, ObjectNode capabilities, ObjectNode clientInfo,
                 Consumer<JsonNode> others) {
        this.http = http;
        this.relay = new ResponseRelay(mapper, http);
        this.mapper = mapper;
        this.capabilities = capabilities;
        this.clientInfo = clientInfo;
        this.others = others;
    }

    /**
     * Sends request {@code method} with {@code params} (may be null) and returns the JSON-RPC response (its
     * {@code result} or {@code error}); {@link BridgeException} when the server sent no answer or the transport failed.
     */
    JsonNode call(String method, ObjectNode params, Duration timeout) {
        ObjectNode message = mapper.createObjectNode().put("jsonrpc", "2.0").put("id", ids.incrementAndGet()).put("method", method);
        ObjectNode p = params == null ? mapper.createObjectNode() : params.deepCopy();
        ObjectNode meta = p.get("_meta") instanceof ObjectNode m ? m : p.putObject("_meta");
        meta.put(META + "protocolVersion", VERSION);
        meta.set(META + "clientCapabilities", capabilities);
        meta.set(META + "clientInfo", clientInfo);
        message.set("params", p);
        byte[] body = http.serialize(message);
        String name = p.path("name").isTextual() ? p.path("name").asText() : null;
        UpstreamResponse r = http.exchange(() -> {
            HttpPost post = http.newPost(http.endpoint(), body, timeout, () -> { });
            post.setHeader("MCP-Protocol-Version", VERSION);
            post.setHeader("Mcp-Method", method);
            if (name != null && method.equals("tools/call")) {
                post.setHeader("Mcp-Name", name);
            }
            return post;
        }, "POST", timeout);
        JsonNode answer = relay.awaitResponse(r, message.get("id"), others);
        if (answer == null) {
            throw new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "the MCP server sent no answer to " + method);
        }
        return answer;
    }
}
