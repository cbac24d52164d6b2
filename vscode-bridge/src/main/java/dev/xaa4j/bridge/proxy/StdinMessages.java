package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The client's side of MCP's stdio transport (MCP "Transports" §stdio): one JSON-RPC message per line. A line
 * that is not JSON is answered {@code -32700}, one that is not valid JSON-RPC {@code -32600}
 * ({@link JsonRpc#validMessages}), one over {@link MessageLimit} {@code -32600} naming the limit (with its id
 * when the id is among its first bytes); none of them reaches the server. Not thread-safe: the stdin thread's.
 */
final class StdinMessages {

    private final LineReader lines;
    private final ObjectMapper mapper;
    private final JsonRpcWriter out;

    StdinMessages(InputStream stdin, ObjectMapper mapper, JsonRpcWriter out) {
        this.lines = new LineReader(stdin, MessageLimit.MAX_BYTES, 1 << 16, false);
        this.mapper = mapper;
        this.out = out;
    }

    /** The next line, or null at the end of stdin. */
    LineReader.Line next() throws IOException {
        return lines.next();
    }

    /** The valid messages of {@code line} (none for a blank line); everything else is answered here. */
    List<JsonNode> messages(LineReader.Line line) {
        if (line.tooLong()) {
            out.write(JsonRpc.error(MessageLimit.idOf(line.head(), mapper), JsonRpc.INVALID_REQUEST,
                    MessageLimit.tooLarge("This message") + "; it was not sent to the server", null));
            return List.of();
        }
        if (line.text().isBlank()) {
            return List.of();
        }
        JsonNode parsed;
        try {
            parsed = mapper.readTree(line.text());
        } catch (JsonProcessingException e) {
            out.write(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: stdin line is not JSON", null));
            return List.of();
        }
        return JsonRpc.validMessages(parsed, out::write);
    }
}
