package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.BridgeException.Reason;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of {@code initialize} (MCP "Lifecycle" §Initialization): the client gets an answer at once
 * or within {@code initializeBudget}, whatever the upstream does.
 * <ul>
 *   <li>The server's answer from last time is in the {@link InitializeCache} (or {@link EarlyInitialize} already
 *       gave it): the client gets it now; the upstream's real answer replaces the entry, and when it differs the
 *       client is sent {@code list_changed} for the tools, prompts and resources the server offers.</li>
 *   <li>Else the upstream's answer within the budget is relayed (under the client's id).</li>
 *   <li>Else the client gets a {@link LocalInitialize} answer (tools, {@code listChanged: true}) and, once the
 *       session connects, {@code notifications/tools/list_changed}. When the reason is a set-up problem
 *       ({@code configuration}, {@code not_set_up}) the local answer says so instead of promising tools.</li>
 * </ul>
 * A server that refuses {@code initialize} outright loses its cache entry. Thread-safety: its state is guarded by
 * the session's lock ({@link UpstreamSession#lock}); the listener methods are called with it held.
 */
final class InitializeHandshake implements UpstreamSession.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(InitializeHandshake.class);

    private final UpstreamSession session;
    private final BridgeSettings settings;
    private final InitializeCache cache;
    private final JsonRpcWriter out;
    private final String version;

    // Guarded by session.lock.
    private boolean clientSawLocalAnswer;
    /** The cached InitializeResult the client was given, until the upstream's own answer is compared with it. */
    private JsonNode answeredFromCache;
    /** What the cache holds for this client's initialize (null: nothing), so unchanged answers are not rewritten. */
    private JsonNode cachedAnswer;

    InitializeHandshake(UpstreamSession session, BridgeSettings settings, InitializeCache cache, JsonRpcWriter out,
                        String version) {
        this.session = session;
        this.settings = settings;
        this.cache = cache;
        this.out = out;
        this.version = version;
    }

    /**
     * The client's initialize. {@code earlyAnswer}: what {@link EarlyInitialize} already told the client from the
     * cache entry of {@code earlyEndpoint} (null: nothing was answered yet). Blocks at most the initialize budget.
     */
    void initialize(JsonNode request, JsonNode earlyAnswer, URI earlyEndpoint) {
        CompletableFuture<JsonNode> attempt;
        JsonNode cached = earlyAnswer != null ? earlyAnswer
                : cache.lookup(settings.endpoint(), requestedVersion(request)).orElse(null);
        synchronized (session.lock) {
            if (!session.begin(request)) {
                out.write(JsonRpc.error(request.get("id"), JsonRpc.INVALID_REQUEST,
                        "initialize was already sent; start a new bridge for a new session", null));
                return;
            }
            // an early answer for another endpoint (the config changed in between) is compared, never kept
            cachedAnswer = earlyAnswer == null || settings.endpoint().equals(earlyEndpoint) ? cached : null;
            if (cached != null) {
                // the server's answer from last time, now; the real one follows from the upstream and is compared
                answeredFromCache = cached;
                if (earlyAnswer == null) {
                    out.write(JsonRpc.result(request.get("id"), cached));
                }
                session.connect();
                LOG.debug("answered initialize from the cache; connecting to '{}' in the background", settings.server());
                return;
            }
            attempt = session.connect();
        }
        JsonNode answer = null;
        try {
            answer = attempt.get(settings.initializeBudget().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // answered locally below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (session.lock) {
            if (answer == null && attempt.isDone() && !attempt.isCompletedExceptionally()) {
                answer = attempt.join(); // finished between the timeout and the lock
            }
            if (answer != null) {
                out.write(JsonRpc.withId(answer, request.get("id")));
                return;
            }
            UpstreamSession.State state = session.state();
            BridgeException reason = session.offlineReason();
            LOG.info("answering initialize locally: {}", state == UpstreamSession.State.CONNECTING
                    ? "MCP server '" + settings.server() + "' is still connecting"
                    : reason == null ? "not connected" : reason.getMessage());
            clientSawLocalAnswer = true;
            out.write(JsonRpc.result(request.get("id"), localResult(request,
                    state == UpstreamSession.State.OFFLINE && OfflineResponder.setUpProblem(reason) ? reason : null)));
        }
    }

    /** The client was answered locally (not by the server): it hears {@code tools/list_changed} once connected. */
    void answeredLocally() {
        synchronized (session.lock) {
            clientSawLocalAnswer = true;
        }
    }

    /** {@code problem}: a set-up problem that keeps the tools away (null: none known, the tools are on their way). */
    private ObjectNode localResult(JsonNode request, BridgeException problem) {
        if (problem != null) {
            String message = problem.getMessage().endsWith(".") ? problem.getMessage() : problem.getMessage() + ".";
            return LocalInitialize.result(request, settings.server(), version, true, "xaa cannot connect to the MCP "
                    + "server '" + settings.server() + "' until this is fixed: " + message + " Until then every request "
                    + "is answered with this error and there are no tools" + (problem.reason() == Reason.NOT_SET_UP
                    ? "; they appear (notifications/tools/list_changed) once xaa is set up."
                    : "; after the fix, restart this MCP server in the AI client."));
        }
        BridgeException offline = session.state() == UpstreamSession.State.OFFLINE ? session.offlineReason() : null;
        if (offline != null && offline.reason() == Reason.SERVER_SIGN_IN_REQUIRED) { // a person signs in; no restart
            return LocalInitialize.result(request, settings.server(), version, true, offline.getMessage()
                    + ". Its tools appear (notifications/tools/list_changed) once you have signed in.");
        }
        return LocalInitialize.result(request, settings.server(), version, true, "Connecting to the MCP server '"
                + settings.server() + "' through xaa. Its tools appear (notifications/tools/list_changed) once the "
                + "connection is ready.");
    }

    @Override
    public Runnable connected(JsonNode result) {
        String requested = requestedVersion(session.clientInitialize());
        Runnable remember = () -> { };
        if (!result.equals(cachedAnswer)) {
            cachedAnswer = result;
            remember = () -> cache.remember(settings.endpoint(), requested, result);
        }
        Set<String> changed = new LinkedHashSet<>();
        if (clientSawLocalAnswer) {
            clientSawLocalAnswer = false;
            changed.add("tools");
        }
        if (answeredFromCache != null) {
            if (!answeredFromCache.equals(result)) {
                LOG.info("MCP server '{}' answers initialize differently than last time: telling the client "
                        + "to list its tools, prompts and resources again", settings.server());
                for (String kind : List.of("tools", "prompts", "resources")) {
                    if (result.path("capabilities").has(kind) || answeredFromCache.path("capabilities").has(kind)) {
                        changed.add(kind);
                    }
                }
            }
            answeredFromCache = null;
        }
        for (String kind : changed) {
            out.write(JsonRpc.notification("notifications/" + kind + "/list_changed"));
        }
        return remember;
    }

    @Override
    public Runnable refused() {
        if (cachedAnswer == null) {
            return () -> { };
        }
        cachedAnswer = null;
        String requested = requestedVersion(session.clientInitialize());
        return () -> cache.forget(settings.endpoint(), requested);
    }

    private static String requestedVersion(JsonNode initialize) {
        return initialize.path("params").path("protocolVersion").asText("");
    }
}
