package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code xaa bridge SERVER} when there is nothing to bridge to: SERVER is not a configured name or an http(s)
 * URL, or the config file does not load. An AI client shows a server that exits at once as "failed" with no
 * reason, so this answers it instead, until stdin ends: {@code initialize} as usual (MCP "Lifecycle",
 * version negotiation by {@link LocalInitialize}, server info naming xaa, the problem as instructions),
 * {@code ping} with an empty result, every other request (the list methods too) with the bridge's configuration
 * error ({@link Reason#CONFIGURATION}: code -32015, {@code data.reason} {@code configuration}) whose message says
 * what to fix; notifications and responses are ignored. The same sentence goes to stderr once.
 */
public final class UnconfiguredBridge {

    private static final Logger LOG = LoggerFactory.getLogger(UnconfiguredBridge.class);

    private final String server;
    private final String problem;
    private final String version;

    /**
     * @param server  SERVER as given on the command line
     * @param problem one sentence: what is wrong and what to run or change
     * @param version the bridge's version
     */
    public UnconfiguredBridge(String server, String problem, String version) {
        this.server = server;
        this.problem = problem;
        this.version = version;
    }

    /**
     * Answers the client until stdin ends, first the line {@code early} read (if any; it answered nothing,
     * having no server either). Returns 0.
     */
    public int run(InputStream stdin, OutputStream stdout, EarlyInitialize early) {
        LOG.error("{}", problem);
        ObjectMapper mapper = MessageLimit.mapper();
        JsonRpcWriter out = new JsonRpcWriter(stdout, mapper);
        StdinMessages messages = new StdinMessages(stdin, mapper, out);
        try {
            if (early != null) {
                EarlyInitialize.Outcome first = early.await();
                if (first.firstLine() == null) {
                    return 0;
                }
                if (!first.answered()) { // (it cannot have been: it found no server either)
                    messages.messages(first.firstLine()).forEach(m -> answer(m, out));
                }
            }
            LineReader.Line line;
            while ((line = messages.next()) != null) {
                messages.messages(line).forEach(m -> answer(m, out));
            }
        } catch (IOException e) {
            LOG.warn("stdin failed: {}", e.toString());
        }
        return 0;
    }

    private void answer(JsonNode m, JsonRpcWriter out) {
        if (!JsonRpc.isRequest(m)) {
            return;
        }
        JsonNode id = m.get("id");
        switch (JsonRpc.method(m)) {
            case "initialize" -> out.write(JsonRpc.result(id, LocalInitialize.result(m, server, version, false, problem)));
            case "ping" -> out.write(JsonRpc.result(id, JsonNodeFactory.instance.objectNode()));
            // the bridge's configuration error, never -32600 (which a client reads as its own mistake)
            default -> out.write(JsonRpc.error(id, new BridgeException(Reason.CONFIGURATION, problem), server));
        }
    }
}
