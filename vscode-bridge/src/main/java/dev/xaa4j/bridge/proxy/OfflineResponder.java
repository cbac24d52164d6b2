package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;

/**
 * Answers a client request the bridge cannot forward (the session is not CONNECTED: the upstream is unreachable,
 * nobody is signed in, xaa is not set up, or the connection is still being made):
 * <ul>
 *   <li>before {@code initialize}: {@code ping} → {@code {}}, anything else → {@code -32600} "Send initialize
 *       first";</li>
 *   <li>{@code ping} → {@code {}}; {@code tools/list}, {@code prompts/list}, {@code resources/list},
 *       {@code resources/templates/list} → an empty list, and the client hears {@code tools/list_changed} once
 *       connected;</li>
 *   <li>anything else — and the list methods too when the reason is a set-up problem a person must fix (an empty
 *       list would hide why no tools ever come) — → the JSON-RPC error of the reason
 *       ({@link BridgeException.Reason#jsonRpcCode}, {@code data.reason}, {@code data.server}) with its actionable
 *       message.</li>
 * </ul>
 * Thread-safe.
 */
final class OfflineResponder {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final UpstreamSession session;
    private final InitializeHandshake handshake;
    private final JsonRpcWriter out;
    private final String server;

    OfflineResponder(UpstreamSession session, InitializeHandshake handshake, JsonRpcWriter out, String server) {
        this.session = session;
        this.handshake = handshake;
        this.out = out;
        this.server = server;
    }

    /** Answers {@code request} locally. */
    void answer(JsonNode request) {
        JsonNode id = request.get("id");
        String method = JsonRpc.method(request);
        BridgeException reason;
        synchronized (session.lock) {
            if (session.state() == UpstreamSession.State.AWAITING_INITIALIZE) {
                if ("ping".equals(method)) {
                    out.write(JsonRpc.result(id, NODES.objectNode()));
                } else {
                    out.write(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "Send initialize first", null));
                }
                return;
            }
            handshake.answeredLocally();
            reason = session.offlineReason() != null ? session.offlineReason() : new BridgeException(
                    Reason.UPSTREAM_UNAVAILABLE, "MCP server '" + server + "' is still connecting; try again in a moment");
        }
        if (!"ping".equals(method) && setUpProblem(reason)) {
            out.write(JsonRpc.error(id, reason, server)); // lists too: an empty list would hide why no tools ever come
            return;
        }
        switch (method) {
            case "ping" -> out.write(JsonRpc.result(id, NODES.objectNode()));
            case "tools/list" -> out.write(JsonRpc.result(id, emptyList("tools")));
            case "prompts/list" -> out.write(JsonRpc.result(id, emptyList("prompts")));
            case "resources/list" -> out.write(JsonRpc.result(id, emptyList("resources")));
            case "resources/templates/list" -> out.write(JsonRpc.result(id, emptyList("resourceTemplates")));
            default -> out.write(JsonRpc.error(id, reason, server));
        }
    }

    /** Whether the bridge cannot connect for a reason only the person can fix (no tools will come by themselves). */
    static boolean setUpProblem(BridgeException e) {
        return e != null && (e.reason() == Reason.CONFIGURATION || e.reason() == Reason.NOT_SET_UP);
    }

    private static ObjectNode emptyList(String field) {
        ObjectNode result = NODES.objectNode();
        result.putArray(field);
        return result;
    }
}
