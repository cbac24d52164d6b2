package dev.xaa4j.bridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.fuzz.FuzzInput;
import dev.xaa4j.connector.internal.http.Challenge;
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

    /** The header parser the bridge uses (connector-core's one WWW-Authenticate parser), reading the Bearer challenge. */
    static final Function<String, Optional<java.util.Map<String, String>>> CHALLENGE =
            header -> Challenge.bearer(java.util.List.of(header)).map(Challenge::params);

    /** Configured as {@link StdioBridge} configures its mapper. */
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    @FuzzTest(maxDuration = "30s")
    @Timeout(10)
    void stdinLinesAreAnsweredWithOneJsonObjectPerLine(byte[] data) throws IOException {
        // the bridge's own stdin path: StdinMessages reads lines (bounded), answers -32700/-32600 itself and hands
        // on only valid JSON-RPC, exactly as StdioBridge and UnconfiguredBridge use it
        ByteArrayOutputStream answers = new ByteArrayOutputStream();
        ObjectMapper mapper = MessageLimit.mapper();
        StdinMessages stdin = new StdinMessages(new ByteArrayInputStream(data), mapper, new JsonRpcWriter(answers, mapper));
        LineReader.Line line;
        while ((line = stdin.next()) != null) {
            for (JsonNode m : stdin.messages(line)) {
                assertThat(JsonRpc.invalid(m)).as("handed on: %s", m).isNull();
                if (JsonRpc.isRequest(m) || JsonRpc.isResponse(m)) {
                    JsonNode id = m.get("id");
                    assertThat(JsonRpc.isValidId(id)).as("id of %s", m).isTrue();
                    JsonRpc.idKey(id); // the cancellation bookkeeping of every request
                    assertThat(JsonRpc.sameId(id, id)).as("an id is the same as itself: %s", id).isTrue();
                    assertOneLine(JsonRpc.error(id, JsonRpc.INVALID_REQUEST, "Send initialize first", null));
                    assertOneLine(JsonRpc.withId(JsonRpc.result(null, m), id));
                }
                if ("notifications/cancelled".equals(JsonRpc.method(m)) && m.path("params").has("requestId")) {
                    JsonRpc.idKey(m.path("params").get("requestId"));
                }
            }
        }
        for (String written : answers.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!written.isEmpty()) {
                JsonNode answer = MAPPER.readTree(written);
                assertThat(answer.isObject()).as(written).isTrue();
                assertThat(answer.path("jsonrpc").asText()).as(written).isEqualTo("2.0");
                assertThat(answer.has("error")).as(written).isTrue();
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
