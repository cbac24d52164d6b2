package dev.xaa4j.sample.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.xaa4j.sample.http.Http;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An MCP tool and the scope a caller needs to call it. The bearer filter enforces the scope at the HTTP layer
 * (403 {@code insufficient_scope}); the handler checks it again, so a tool can never run without it.
 *
 * @param requiredScope the scope the tool needs, or empty when any scope of the server will do
 */
record ScopedTool(String name, Optional<String> requiredScope, SyncToolSpecification spec) {

    /** What a tool does for one verified caller. */
    @FunctionalInterface
    interface Handler {
        Object call(Principal caller, Map<String, Object> arguments) throws ToolInputException;
    }

    /** Bad arguments: reported to the caller as a tool error, not a protocol error. */
    static final class ToolInputException extends Exception {
        ToolInputException(String message) {
            super(message, null, false, false);
        }
    }

    /** Builds a tool whose result is {@code handler}'s value as JSON text. */
    static ScopedTool of(String name, String description, Map<String, Object> inputSchema,
                         Optional<String> requiredScope, List<String> serverScopes, Handler handler) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).description(description)
                .inputSchema(inputSchema).build();
        SyncToolSpecification spec = SyncToolSpecification.builder().tool(tool)
                .callHandler((exchange, request) -> run(exchange, request, requiredScope, serverScopes, handler))
                .build();
        return new ScopedTool(name, requiredScope, spec);
    }

    /** True if {@code caller} may call this tool on a server whose scopes are {@code serverScopes}. */
    boolean allows(Principal caller, List<String> serverScopes) {
        return permits(requiredScope, serverScopes, caller);
    }

    private static boolean permits(Optional<String> requiredScope, List<String> serverScopes, Principal caller) {
        return requiredScope.map(caller::hasScope).orElseGet(() -> serverScopes.stream().anyMatch(caller::hasScope));
    }

    private static McpSchema.CallToolResult run(McpSyncServerExchange exchange, McpSchema.CallToolRequest request,
                                                Optional<String> requiredScope, List<String> serverScopes,
                                                Handler handler) {
        Principal caller = principal(exchange.transportContext());
        if (caller == null) {
            return error("no authenticated caller");
        }
        if (!permits(requiredScope, serverScopes, caller)) {
            return error("insufficient scope: " + requiredScope.orElse(String.join(" or ", serverScopes)));
        }
        try {
            Object result = handler.call(caller, request.arguments() == null ? Map.of() : request.arguments());
            return McpSchema.CallToolResult.builder()
                    .addTextContent(Http.JSON.writeValueAsString(result))
                    .isError(false)
                    .build();
        } catch (ToolInputException e) {
            return error(e.getMessage());
        } catch (JsonProcessingException e) {
            return error("cannot render the result");
        }
    }

    static Principal principal(McpTransportContext context) {
        return context == null ? null : (context.get(Principal.KEY) instanceof Principal p ? p : null);
    }

    private static McpSchema.CallToolResult error(String message) {
        return McpSchema.CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    /** A JSON schema for an object with the given string properties. */
    static Map<String, Object> objectSchema(Map<String, String> stringProperties, List<String> required) {
        Map<String, Object> props = new java.util.LinkedHashMap<>();
        stringProperties.forEach((k, desc) -> props.put(k, Map.of("type", "string", "description", desc)));
        return Map.of("type", "object", "properties", props, "required", required, "additionalProperties", false);
    }

    static String requiredString(Map<String, Object> args, String name, int maxLength) throws ToolInputException {
        Object v = args.get(name);
        if (!(v instanceof String s) || s.isBlank()) {
            throw new ToolInputException("'" + name + "' is required and must be a non-empty string");
        }
        if (s.length() > maxLength) {
            throw new ToolInputException("'" + name + "' is longer than " + maxLength + " characters");
        }
        return s;
    }
}
