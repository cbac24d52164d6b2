package dev.xaa4j.bridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.fuzz.FuzzInput;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes what the bridge reads from parties it does not control: the AI client's stdin lines (JSON-RPC 2.0),
 * the MCP server's {@code text/event-stream} bodies and its {@code WWW-Authenticate} header (RFC 6750 §3).
 * The property: a parsed value or the documented handling, never an unexpected exception or error, and every
 * answer the bridge writes is one JSON object on one line. Normal builds replay
 * {@code BridgeInputFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes ({@code .ci/fuzz}).
 */
@Tag("fuzz")
class BridgeInputFuzzTest {

    /** The bridge's header parser: the one seam to move when the header parsers are merged into one. */
    static final Function<String, Optional<java.util.Map<String, String>>> CHALLENGE =
            header -> BearerChallenge.parse(header).map(BearerChallenge::params);

    /** Configured as {@link StdioBridge} configures its mapper. */
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @FuzzTest(maxDuration = "30s")
    @Timeout(10)
    void stdinLinesAreAnsweredWithOneJsonObjectPerLine(byte[] data) throws IOException {
        BufferedReader lines = new BufferedReader(new StringReader(FuzzInput.text(data)));
        String line;
        while ((line = lines.readLine()) != null) {
            if (!line.isBlank()) {
                accept(line);
            }
        }
    }

    /** What {@code StdioBridge.accept} does with a line before anything goes upstream. */
    private static void accept(String line) throws IOException {
        JsonNode parsed;
        try {
            parsed = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            assertOneLine(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: stdin line is not JSON", null));
            return;
        }
        for (JsonNode m : parsed.isArray() ? parsed : List.of(parsed)) {
            if (!JsonRpc.isMessage(m)) {
                JsonNode id = m.isObject() && (m.path("id").isTextual() || m.path("id").isNumber()) ? m.get("id") : null;
                assertOneLine(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "Invalid Request", null));
                continue;
            }
            JsonRpc.method(m);
            if (JsonRpc.isRequest(m) || JsonRpc.isResponse(m)) {
                JsonNode id = m.get("id");
                JsonRpc.idKey(id); // the cancellation bookkeeping of every request
                if (id.isNumber() || id.isTextual()) {
                    assertThat(JsonRpc.sameId(id, id)).as("an id is the same as itself: %s", id).isTrue();
                }
                assertOneLine(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "Send initialize first", null));
                assertOneLine(JsonRpc.withId(JsonRpc.result(null, m), id));
            }
            if ("notifications/cancelled".equals(JsonRpc.method(m)) && m.path("params").has("requestId")) {
                JsonRpc.idKey(m.path("params").get("requestId"));
            }
        }
    }

    private static void assertOneLine(JsonNode message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new JsonRpcWriter(out, MAPPER).write(message);
        String written = out.toString(StandardCharsets.UTF_8);
        assertThat(written).endsWith("\n");
        assertThat(written.indexOf('\n')).isEqualTo(written.length() - 1);
        assertThat(MAPPER.readTree(written).isObject()).isTrue();
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(10)
    void eventStreamsYieldEventsUntilTheEnd(byte[] data) throws IOException {
        int lines = FuzzInput.text(data).split("\r\n|\r|\n", -1).length;
        int events = 0;
        try (SseReader reader = new SseReader(new ByteArrayInputStream(data))) {
            SseReader.Event e;
            while ((e = reader.next()) != null) {
                assertThat(e.data()).isNotNull();
                events++;
                assertThat(events).as("events from %s lines", lines).isLessThanOrEqualTo(lines);
            }
        }
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(10)
    void wwwAuthenticateHeadersParseWithoutThrowing(byte[] data) {
        CHALLENGE.apply(FuzzInput.text(data)).ifPresent(params -> params.keySet()
                .forEach(name -> assertThat(name).isEqualTo(name.toLowerCase(Locale.ROOT))));
    }
}
