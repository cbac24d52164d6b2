package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * SEP-2133 capability advertisement in the {@code initialize} the bridge sends upstream: each extension the bridge
 * itself uses is declared as {@code params.capabilities.extensions[ID] = {}}, next to every capability and
 * extension the AI client declared (a client's own setting for the same ID is kept as it is).
 */
final class ClientExtensions {

    private ClientExtensions() {
    }

    /** Adds {@code ids} to {@code initialize}'s {@code params.capabilities.extensions} in place (nothing when empty). */
    static void declare(ObjectNode initialize, Set<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        ObjectNode params = object(initialize, "params");
        ObjectNode extensions = object(object(params, "capabilities"), "extensions");
        for (String id : ids) {
            if (!extensions.has(id)) {
                extensions.putObject(id);
            }
        }
    }

    /** {@code parent[name]} as an object, made when absent (a non-object value is replaced: it was malformed). */
    private static ObjectNode object(ObjectNode parent, String name) {
        JsonNode child = parent.get(name);
        return child instanceof ObjectNode o ? o : parent.putObject(name);
    }
}
