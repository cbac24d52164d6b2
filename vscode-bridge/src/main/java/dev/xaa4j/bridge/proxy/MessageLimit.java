package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The largest JSON-RPC message the bridge passes, in either direction: {@value #DEFAULT_MIB} MiB of UTF-8 by
 * default (system property {@code xaa.maxMessageMiB}, e.g. {@code XAA_JAVA_OPTS="-Dxaa.maxMessageMiB=128
 * -Xmx2g"}; the launcher's heap fits the default). A message within the limit passes whole, whatever the size
 * of the strings in it (Jackson's own default stops at 20,000,000 characters per string). A larger one is
 * never half-read into memory: a request from the client, or the server's answer to one, is answered with a
 * JSON-RPC error naming the limit and the session goes on; a larger server-initiated message is dropped with
 * a warning on stderr. Thread-safe constants.
 */
final class MessageLimit {

    static final int DEFAULT_MIB = 32;
    /** The limit in bytes (the UTF-8 length of one message: a stdin line, a JSON body, an SSE event's data). */
    static final int MAX_BYTES = (int) Math.min(Integer.MAX_VALUE - 64L,
            Math.max(1L, Long.getLong("xaa.maxMessageMiB", DEFAULT_MIB)) << 20);

    private MessageLimit() {
    }

    /** "32 MiB", for messages. */
    static String describe() {
        return (MAX_BYTES >> 20) + " MiB";
    }

    /** A JSON mapper that reads any message within the limit (and fails beyond it, without reading on). */
    static ObjectMapper mapper() {
        JsonFactory json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxStringLength(MAX_BYTES)
                        .maxDocumentLength(MAX_BYTES)
                        .build())
                .build();
        return new ObjectMapper(json).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }

    /** The sentence for errors: what the limit is and what to do. */
    static String tooLarge(String what) {
        return what + " is larger than xaa's limit of " + describe() + " per message; ask for less at a time "
                + "(or raise the limit: XAA_JAVA_OPTS=\"-Dxaa.maxMessageMiB=N -Xmx…\")";
    }

    /**
     * The id of a message of which only the first bytes were kept (the rest was over the limit): JSON-RPC
     * members usually come first. Null when no valid id is among them.
     */
    static JsonNode idOf(String head, ObjectMapper mapper) {
        try (com.fasterxml.jackson.core.JsonParser p = mapper.getFactory().createParser(head)) {
            if (p.nextToken() != com.fasterxml.jackson.core.JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == com.fasterxml.jackson.core.JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if ("id".equals(name)) {
                    return switch (p.currentToken()) {
                        case VALUE_STRING -> com.fasterxml.jackson.databind.node.TextNode.valueOf(p.getText());
                        case VALUE_NUMBER_INT -> com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(p.getBigIntegerValue());
                        default -> null;
                    };
                }
                p.skipChildren();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the id is not among the first bytes
        }
        return null;
    }
}
