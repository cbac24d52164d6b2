package dev.xaa4j.bridge.proxy;

import static dev.xaa4j.bridge.proxy.ScriptedChannel.answers;
import static dev.xaa4j.bridge.proxy.ScriptedChannel.clientInitialize;
import static dev.xaa4j.bridge.proxy.ScriptedChannel.fails;
import static dev.xaa4j.bridge.proxy.ScriptedChannel.message;
import static dev.xaa4j.bridge.proxy.ScriptedChannel.refuses;
import static dev.xaa4j.bridge.proxy.ScriptedChannel.sessionLost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import dev.xaa4j.bridge.proxy.UpstreamSession.State;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The session state machine over a scripted channel: every transition of the diagram in its javadoc. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UpstreamSessionTest {

    private static final String RESULT = "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},"
            + "\"serverInfo\":{\"name\":\"notes\",\"version\":\"1\"}}";
    private static final JsonNode INITIALIZED = message("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    private static final JsonNode CALL = message("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"x\"}}");

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final ScriptedChannel channel = new ScriptedChannel();
    private final UpstreamSession session = new UpstreamSession(ScriptedChannel.settings(), channel, workers);
    private final List<String> heard = new CopyOnWriteArrayList<>();

    UpstreamSessionTest() {
        session.listener(new UpstreamSession.Listener() {
            @Override
            public Runnable connected(JsonNode result) {
                heard.add("connected " + result.path("serverInfo").path("name").asText());
                return () -> heard.add("after connected");
            }

            @Override
            public Runnable refused() {
                heard.add("refused");
                return () -> heard.add("after refused");
            }
        });
    }

    @AfterEach
    void close() {
        session.close();
        workers.shutdownNow();
    }

    private void connect() {
        UpstreamSession.await(session.connect(), Duration.ofSeconds(10));
    }

    @Test
    void connectsWithTheClientsInitializeUnderABridgeOwnedIdAndTellsTheListener() throws Exception {
        channel.onInitialize(answers(RESULT));
        assertThat(session.state()).isEqualTo(State.AWAITING_INITIALIZE);
        assertThat(session.awaitConnected()).as("nothing connects before initialize").isFalse();

        assertThat(session.begin(clientInitialize(1))).isTrue();
        assertThat(session.begin(clientInitialize(2))).as("one initialize per session").isFalse();
        connect();

        assertThat(session.state()).isEqualTo(State.CONNECTED);
        assertThat(session.awaitConnected()).isTrue();
        JsonNode upstream = channel.initializes.get(0);
        assertThat(upstream.get("id").asText()).isEqualTo("xaa-bridge-initialize-1");
        assertThat(upstream.get("params")).isEqualTo(clientInitialize(1).get("params"));
        assertThat(heard).containsExactly("connected notes", "after connected");
        await().atMost(Duration.ofSeconds(5)).until(() -> channel.listens.size() == 1);
    }

    @Test
    void aFailureGoesOfflineWithItsReasonAndTheNextRequestConnectsAgain() throws Exception {
        channel.onInitialize(fails(new BridgeException(Reason.UPSTREAM_UNAVAILABLE, "MCP server 'notes' is unreachable")))
                .onInitialize(answers(RESULT));
        session.begin(clientInitialize(1));
        connect();

        assertThat(session.state()).isEqualTo(State.OFFLINE);
        assertThat(session.offlineReason().reason()).isEqualTo(Reason.UPSTREAM_UNAVAILABLE);
        assertThat(session.offlineReason().getMessage()).isEqualTo("MCP server 'notes' is unreachable");

        assertThat(session.awaitConnected()).as("a request starts an attempt and waits for it").isTrue();
        assertThat(session.state()).isEqualTo(State.CONNECTED);
        assertThat(session.offlineReason()).isNull();
    }

    @Test
    void signInRequiredWaitsForTheSignInEventThenReconnects() throws Exception {
        channel.onInitialize(fails(BridgeException.signInRequired())).onInitialize(answers(RESULT));
        session.begin(clientInitialize(1));
        connect();
        assertThat(session.state()).isEqualTo(State.OFFLINE);
        assertThat(session.offlineReason().reason()).isEqualTo(Reason.SIGN_IN_REQUIRED);

        session.reconnectIfOffline(); // UpstreamAuth.onChange: somebody signed in
        await().atMost(Duration.ofSeconds(5)).until(() -> session.state() == State.CONNECTED);
        assertThat(channel.initializes).hasSize(2);
    }

    @Test
    void aRefusedInitializeGoesOfflineAndTellsTheListener() throws Exception {
        channel.onInitialize(refuses("unsupported protocol version"));
        session.begin(clientInitialize(1));
        connect();

        assertThat(session.state()).isEqualTo(State.OFFLINE);
        assertThat(session.offlineReason().getMessage())
                .isEqualTo("MCP server 'notes' refused initialize: unsupported protocol version");
        assertThat(heard).containsExactly("refused", "after refused");
    }

    @Test
    void notificationsWaitForNoSessionAndNotificationsInitializedIsReplayedOnConnect() throws Exception {
        channel.onInitialize(answers(RESULT));
        session.begin(clientInitialize(1));
        session.forwardMessage(INITIALIZED);
        assertThat(channel.sent).as("dropped while not connected").isEmpty();

        connect();
        assertThat(channel.sent).containsExactly(INITIALIZED);
        JsonNode progress = message("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":7}}");
        session.forwardMessage(progress);
        assertThat(channel.sent).containsExactly(INITIALIZED, progress);
    }

    @Test
    void aLostSessionIsReinitializedAndTheRequestReplayedOnce() throws Exception {
        channel.onInitialize(answers(RESULT)).onRequest(sessionLost()).onRequest(m -> true);
        session.begin(clientInitialize(1));
        session.forwardMessage(INITIALIZED);
        connect();

        assertThat(session.forward(CALL, () -> { }, () -> { })).isTrue();
        assertThat(channel.requests).containsExactly(CALL, CALL);
        assertThat(channel.initializes).extracting(i -> i.get("id").asText())
                .containsExactly("xaa-bridge-initialize-1", "xaa-bridge-initialize-2");
        assertThat(channel.sent).as("the new session hears notifications/initialized too").containsExactly(INITIALIZED, INITIALIZED);
        assertThat(session.state()).isEqualTo(State.CONNECTED);
    }

    @Test
    void aSessionLostAgainAtOnceFailsTheRequest() throws Exception {
        channel.onInitialize(answers(RESULT)).onRequest(sessionLost());
        session.begin(clientInitialize(1));
        connect();

        assertThatThrownBy(() -> session.forward(CALL, () -> { }, () -> { }))
                .isInstanceOfSatisfying(BridgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UPSTREAM_UNAVAILABLE))
                .hasMessage("MCP server 'notes' dropped the new session at once (HTTP 404 twice)");
        assertThat(channel.requests).hasSize(2);
    }

    @Test
    void aLostSessionThatCannotBeRestoredFailsTheRequestWithTheReason() throws Exception {
        channel.onInitialize(answers(RESULT)).onInitialize(fails(BridgeException.signInRequired())).onRequest(sessionLost());
        session.begin(clientInitialize(1));
        connect();

        assertThatThrownBy(() -> session.forward(CALL, () -> { }, () -> { }))
                .isInstanceOfSatisfying(BridgeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SIGN_IN_REQUIRED));
        assertThat(session.state()).isEqualTo(State.OFFLINE);
    }

    // Repeated: a stream found lost at once raced the attempt still settling (1 run in 10 failed before the fix).
    @org.junit.jupiter.api.RepeatedTest(50)
    void aServerInitiatedStreamThatFindsTheSessionGoneReinitializes() throws Exception {
        channel.onInitialize(answers(RESULT)).onListen(true, false);
        session.begin(clientInitialize(1));
        connect();

        await().atMost(Duration.ofSeconds(5)).until(() -> channel.initializes.size() == 2 && channel.listens.size() == 2);
        assertThat(session.state()).isEqualTo(State.CONNECTED);
    }

    @Test
    void closeEndsTheChannelAndNoAttemptFollows() throws Exception {
        channel.onInitialize(answers(RESULT));
        session.begin(clientInitialize(1));
        connect();
        session.close();

        assertThat(session.state()).isEqualTo(State.CLOSED);
        assertThat(channel.closed).isTrue();
        assertThat(session.awaitConnected()).isFalse();
        session.reconnectIfOffline();
        assertThat(session.state()).as("a closed session never connects again").isEqualTo(State.CLOSED);
    }
}
