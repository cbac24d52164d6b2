package dev.xaa4j.bridge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The small wire parsers: SSE events, JSON-RPC ids (challenges: connector-core ChallengeTest). */
class WireFormatTest {

    @Test
    void readsSseEventsWithMultiLineDataIdsCommentsAndPrimingEvents() throws Exception {
        String stream = ": keep-alive\n\nid: 1\n\nevent: message\nid: 2\ndata: {\"a\":\ndata: 1}\n\ndata:{\"b\":2}\r\n\r\nevent: endpoint\ndata: /message?sessionId=x\n";
        try (SseReader r = new SseReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)))) {
            assertThat(r.next()).isEqualTo(new SseReader.Event("1", null, ""));
            assertThat(r.next()).isEqualTo(new SseReader.Event("2", "message", "{\"a\":\n1}"));
            assertThat(r.next()).isEqualTo(new SseReader.Event(null, null, "{\"b\":2}"));
            assertThat(r.next()).as("the last event is dispatched at end of stream").isEqualTo(new SseReader.Event(null, "endpoint", "/message?sessionId=x"));
            assertThat(r.next()).isNull();
        }
    }

    @Test
    void comparesJsonRpcIdsByValueAndKind() throws Exception {
        ObjectMapper m = new ObjectMapper();
        assertThat(JsonRpc.sameId(m.readTree("1"), m.readTree("1.0"))).isTrue();
        assertThat(JsonRpc.sameId(m.readTree("1"), m.readTree("\"1\""))).isFalse();
        assertThat(JsonRpc.sameId(m.readTree("\"a\""), m.readTree("\"a\""))).isTrue();
        assertThat(JsonRpc.idKey(m.readTree("7"))).isNotEqualTo(JsonRpc.idKey(m.readTree("\"7\"")));
        assertThat(JsonRpc.isMessage(m.readTree("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"))).isTrue();
        assertThat(JsonRpc.isMessage(m.readTree("{\"jsonrpc\":\"2.0\",\"id\":1}"))).isFalse();
        assertThat(JsonRpc.isMessage(m.readTree("[1]"))).isFalse();
    }
}
