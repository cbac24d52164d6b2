package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 message shapes, as the bridge needs them: classify, compare ids, build errors. */
final class JsonRpc {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JsonRpc.class);
    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonRpc() {
    }

    /**
     * The {@code data} of one SSE event as JSON, or null when it is not JSON: the event is dropped with a warning
     * that gives its length, never its content (it may carry a tool's result).
     */
    static JsonNode eventData(ObjectMapper mapper, String data) {
        try {
            return mapper.readTree(data);
        } catch (JsonProcessingException e) {
            LOG.warn("dropping an SSE event from the server that is not JSON ({} chars)", data.length());
            return null;
        }
    }

    static boolean isRequest(JsonNode m) {
        return m.hasNonNull("method") && m.has("id");
    }

    static boolean isNotification(JsonNode m) {
        return m.hasNonNull("method") && !m.has("id");
    }

    static boolean isResponse(JsonNode m) {
        return !m.has("method") && m.has("id") && (m.has("result") || m.has("error"));
    }

    /** A well-formed message: an object that is a request, a notification or a response. */
    static boolean isMessage(JsonNode m) {
        return m.isObject() && (m.path("method").isTextual() || isResponse(m));
    }

    /**
     * Why {@code m} is not a valid JSON-RPC 2.0 message as MCP uses it, or null when it is one: an object with
     * {@code "jsonrpc": "2.0"} (JSON-RPC 2.0 §4); a request or notification has a non-empty string
     * {@code method} and {@code params}, if any, an object or an array (§4.2); a response has exactly one of
     * {@code result} and {@code error}, an error an integer {@code code} and a string {@code message} (§5, §5.1);
     * an {@code id} is a string or an integer (MCP "Base protocol" §Messages: never null, never a fraction).
     */
    static String invalid(JsonNode m) {
        if (m == null || !m.isObject()) {
            return "a message is a JSON object";
        }
        if (!"2.0".equals(m.path("jsonrpc").textValue())) {
            return "\"jsonrpc\" must be \"2.0\"";
        }
        if (m.has("id") && !isValidId(m.get("id"))) {
            return "\"id\" must be a string or an integer";
        }
        if (m.has("method")) {
            if (!m.get("method").isTextual() || m.get("method").textValue().isEmpty()) {
                return "\"method\" must be a non-empty string";
            }
            if (m.has("params") && !m.get("params").isObject() && !m.get("params").isArray()) {
                return "\"params\" must be an object or an array";
            }
            if (m.has("result") || m.has("error")) {
                return "a message is a request or a response, not both";
            }
            return null;
        }
        if (!m.has("id")) {
            return "a message needs a \"method\" (request, notification) or an \"id\" with a \"result\" or an \"error\" (response)";
        }
        if (m.has("result") == m.has("error")) {
            return "a response has exactly one of \"result\" and \"error\"";
        }
        JsonNode error = m.get("error");
        if (error != null && !(error.isObject() && error.path("code").isIntegralNumber() && error.path("message").isTextual())) {
            return "\"error\" must be an object with an integer \"code\" and a string \"message\"";
        }
        return null;
    }

    /** An id MCP accepts: a string or an integer. */
    static boolean isValidId(JsonNode id) {
        return id != null && (id.isTextual() || id.isIntegralNumber());
    }

    /**
     * The messages of one stdin line, each checked with {@link #invalid}. A JSON-RPC batch (an array, §6; MCP
     * 2025-03-26 only, removed in 2025-06-18) is split and each of its messages handled on its own. What is
     * not valid never reaches the server: a request-like object is answered {@code -32600} (its id when that id
     * is valid, else null), an empty batch gets one {@code -32600}, and an invalid response is only logged
     * (nothing may answer a response).
     */
    static java.util.List<JsonNode> validMessages(JsonNode parsed, java.util.function.Consumer<JsonNode> answer) {
        if (parsed.isArray() && parsed.isEmpty()) {
            answer.accept(error(null, INVALID_REQUEST, "Invalid Request: an empty batch", null));
            return java.util.List.of();
        }
        java.util.List<JsonNode> valid = new java.util.ArrayList<>();
        for (JsonNode m : parsed.isArray() ? parsed : java.util.List.of(parsed)) {
            String problem = invalid(m);
            if (problem == null) {
                valid.add(m);
            } else if (m.isObject() && !m.has("method") && (m.has("result") || m.has("error"))) {
                LOG.warn("dropping a response from the client that is not valid JSON-RPC: {}", problem);
            } else {
                JsonNode id = m.isObject() && isValidId(m.get("id")) ? m.get("id") : null;
                answer.accept(error(id, INVALID_REQUEST, "Invalid Request: " + problem + " (JSON-RPC 2.0, MCP)", null));
            }
        }
        return valid;
    }

    static String method(JsonNode m) {
        return m.path("method").asText("");
    }

    /** JSON-RPC ids are strings or numbers; {@code 1} and {@code 1.0} from one parser are the same id. */
    static boolean sameId(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return false;
        }
        if (a.isNumber() && b.isNumber()) {
            return isFinite(a) && isFinite(b) ? a.decimalValue().compareTo(b.decimalValue()) == 0
                    : a.doubleValue() == b.doubleValue();
        }
        return a.isTextual() && b.isTextual() && a.textValue().equals(b.textValue());
    }

    /**
     * A key for sets of ids that keeps {@code 1} and {@code "1"} apart. Total: a number too large for a double
     * ({@code 1e400} parses as infinity) has a key too.
     */
    static String idKey(JsonNode id) {
        if (id == null) {
            return "null";
        }
        if (id.isNumber()) {
            return "n:" + (isFinite(id) ? id.decimalValue().stripTrailingZeros().toPlainString() : id.asText());
        }
        return "s:" + id.asText();
    }

    /** Whether {@link JsonNode#decimalValue()} is defined: not a double or float infinity or NaN. */
    private static boolean isFinite(JsonNode number) {
        return !(number.isDouble() || number.isFloat()) || Double.isFinite(number.doubleValue());
    }

    static ObjectNode result(JsonNode id, JsonNode result) {
        ObjectNode m = NODES.objectNode();
        m.put("jsonrpc", "2.0");
        m.set("id", id == null ? NullNode.getInstance() : id);
        m.set("result", result);
        return m;
    }

    static ObjectNode error(JsonNode id, int code, String message, JsonNode data) {
        ObjectNode error = NODES.objectNode();
        error.put("code", code);
        error.put("message", message);
        if (data != null) {
            error.set("data", data);
        }
        ObjectNode m = NODES.objectNode();
        m.put("jsonrpc", "2.0");
        m.set("id", id == null ? NullNode.getInstance() : id);
        m.set("error", error);
        return m;
    }

    /**
     * The bridge's own error for request {@code id}: code {@link dev.xaa4j.bridge.BridgeException.Reason#jsonRpcCode},
     * the message, and {@code data} {@code {"reason": wire name, "server": server}}.
     */
    static ObjectNode error(JsonNode id, dev.xaa4j.bridge.BridgeException e, String server) {
        ObjectNode data = NODES.objectNode();
        data.put("reason", e.reason().wireName());
        data.put("server", server);
        return error(id, e.reason().jsonRpcCode(), e.getMessage(), data);
    }

    static ObjectNode notification(String method) {
        ObjectNode m = NODES.objectNode();
        m.put("jsonrpc", "2.0");
        m.put("method", method);
        return m;
    }

    /** The same response, answering {@code id} instead (the bridge re-labels its own initialize). */
    static ObjectNode withId(JsonNode response, JsonNode id) {
        ObjectNode copy = response.deepCopy();
        copy.set("id", id);
        return copy;
    }
}
