package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** JSON-RPC 2.0 message shapes, as the bridge needs them: classify, compare ids, build errors. */
final class JsonRpc {

    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonRpc() {
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
