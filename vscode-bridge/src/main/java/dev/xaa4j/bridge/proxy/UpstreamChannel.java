package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The bridge's upstream side: one MCP transport to one MCP server (MCP "Transports"), carrying raw JSON-RPC
 * messages — whatever the client sent is forwarded as it is, whatever the server sends reaches the client as it
 * is; no schema types in between. Two implementations: {@link StreamableHttpUpstream} (Streamable HTTP, MCP
 * 2025-03-26 and later) and {@link LegacySseChannel} (HTTP+SSE, MCP 2024-11-05); {@link NegotiatedChannel} picks
 * one by the spec's backwards-compatibility probe and is what the session uses.
 *
 * <p>Every server message that is not the answer a call waits for (server-to-client requests such as sampling,
 * elicitation and roots; progress and log notifications) goes to the {@code toClient} sink the channel was built
 * with, the moment it arrives. Calls block the calling thread (no hand-off to another thread on the way to the
 * server and back); implementations are thread-safe, and requests may run in parallel.
 *
 * <p>A session ends when the server forgets it (Streamable HTTP: 404 on a request carrying the
 * {@code Mcp-Session-Id}; HTTP+SSE: its one event stream ended): the calls that notice throw
 * {@link SessionLostException}, and the caller {@link #initialize}s again (docs/architecture.md "The bridge").
 */
interface UpstreamChannel extends AutoCloseable {

    /**
     * Starts a new session (MCP "Lifecycle" §Initialization): forgets the previous one, sends {@code request}
     * (an {@code initialize} under a bridge-owned id) and returns the server's JSON-RPC response to it (a result
     * or an error). {@code timeout} bounds the wait for the answer.
     *
     * @throws NotThisTransportException the server rejected the POST the way a server of the other transport
     *                                   does (MCP "Transports" §Backwards Compatibility)
     * @throws dev.xaa4j.bridge.BridgeException unreachable, refused, no answer in time
     */
    JsonNode initialize(ObjectNode request, Duration timeout) throws NotThisTransportException;

    /**
     * Forwards one client request and writes its answer to {@code toClient} the moment it arrives; other
     * messages the server sends on the way go there too. Returns whether the server answered (false: it
     * accepted without answering, or ended the exchange before answering).
     *
     * @param timeout how long the server may take to start answering (Streamable HTTP: the response headers; once
     *                started the answer may take as long as it needs) or, on HTTP+SSE, to answer at all
     * @param onSent  runs once the request is written to its connection (possibly again on a replay)
     * @param onTaken runs once the server has taken the request (its answer started)
     * @throws SessionLostException the server forgot the session (the request was not handled)
     */
    boolean request(JsonNode request, Duration timeout, Runnable onSent, Runnable onTaken) throws SessionLostException;

    /**
     * Sends a notification or a response (the server acknowledges with 202). An unexpected status is logged
     * (Streamable HTTP) or thrown as {@link dev.xaa4j.bridge.BridgeException} (HTTP+SSE).
     *
     * @throws SessionLostException the server forgot the session
     */
    void send(JsonNode message) throws SessionLostException;

    /**
     * Relays the server-initiated messages of the current session to {@code toClient} (Streamable HTTP §Listening
     * for Messages from the Server) while {@code current} holds, retrying with backoff as the transport's rules
     * say. Blocks: run it on a thread of its own, once per session. Returns true when the session turned out to
     * be gone (the caller re-initializes), false when the stream ended for good or {@code current} stopped
     * holding. HTTP+SSE reads its one stream from {@link #initialize} on, so there it returns false at once.
     */
    boolean listen(BooleanSupplier current);

    /**
     * The session id the server assigned ({@code Mcp-Session-Id}), if any. Default: none, as for HTTP+SSE, whose
     * message endpoint URL names the session.
     */
    default Optional<String> sessionId() {
        return Optional.empty();
    }

    /**
     * Ends the channel: drops its event streams (a blocked {@link #listen} returns), ends the session on the
     * server (Streamable HTTP: DELETE, best effort, at most {@link StreamableHttpUpstream#TERMINATE_WAIT}) and
     * drops the connections it owns. Never throws.
     */
    @Override
    void close();
}
