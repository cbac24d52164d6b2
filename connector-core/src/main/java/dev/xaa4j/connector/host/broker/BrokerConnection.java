package dev.xaa4j.connector.host.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.Connector;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of a {@link BrokerServer}: reads its requests in order on its own thread and answers each as soon
 * as it is done ({@code token} and {@code signIn} out of order, from the thread that completes them). The
 * request dispatch of the broker protocol ({@link BrokerProtocol}); the concurrency contract is the broker's
 * (see {@link BrokerServer}). Writes are serialized by {@link LineChannel}; a failed write closes the connection.
 */
/** One client: reads requests in order, answers each as soon as it is done (token requests out of order). */
final class BrokerConnection implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerServer.class);

    private final BrokerServer broker;
    private final Connector connector;
    private final LineChannel line;
    private volatile boolean subscribed;

    BrokerConnection(BrokerServer broker, LineChannel line) {
        this.broker = broker;
        this.connector = broker.connector();
        this.line = line;
    }

    boolean subscribed() {
        return subscribed;
    }

    @Override
    public void run() {
        broker.opened(this);
        try {
            String l;
            while (!broker.isClosed() && (l = line.readLine()) != null) {
                handle(l);
            }
        } catch (IOException e) {
            LOG.debug("broker client dropped: {}", e.toString());
        } finally {
            close();
        }
    }

    private void handle(String raw) {
        broker.touch();
        JsonNode req;
        try {
            req = BrokerProtocol.JSON.readTree(raw);
        } catch (IOException e) {
            send(error(null, "bad_request", "not JSON"));
            return;
        }
        JsonNode id = req.get("id");
        if (req.path("v").asInt() != BrokerProtocol.VERSION) {
            send(error(id, "unsupported_version", "this broker speaks version " + BrokerProtocol.VERSION));
            return;
        }
        String op = req.path("op").asText();
        String server = req.path("server").asText(null);
        LOG.debug("broker request {} {}", op, server == null ? "" : server); // never the values
        if (server != null && !op.equals("signInNeeded") && !connector.servers().containsKey(server)) {
            send(error(id, "unknown_server", "the broker has no server named '" + server
                    + "'; add it with `xaa server add` (the tray app and xaa agent follow the configuration)"));
            return;
        }
        try {
            switch (op) {
                case "hello" -> send(result(id, BrokerProtocol.JSON.createObjectNode()
                        .put("pid", ProcessHandle.current().pid())
                        .put("sessionStorage", broker.sessionStorage().wireName())
                        .set("versions", BrokerProtocol.JSON.createArrayNode().add(BrokerProtocol.VERSION))));
                case "token" -> token(id, required(server, "server"), req.get("scopes"));
                case "invalidate" -> send(result(id, BrokerProtocol.JSON.createObjectNode().put("invalidated",
                        connector.invalidate(required(server, "server"), rejectedValue(req)))));
                case "requestScopes" -> send(result(id, BrokerProtocol.JSON.createObjectNode().put("changed",
                        connector.requestScopes(required(server, "server"), BrokerProtocol.strings(req.path("scopes"))))));
                case "dpopProof" -> send(result(id, BrokerProtocol.JSON.createObjectNode().put("proof", connector.dpopProof(
                        new AccessToken(required(server, "server"), required(req.path("token").asText(null), "token"), "DPoP",
                                Instant.MAX, java.util.Set.of()), required(req.path("htm").asText(null), "htm"),
                        java.net.URI.create(required(req.path("htu").asText(null), "htu")),
                        Optional.ofNullable(req.path("nonce").asText(null))).orElseThrow())));
                case "status" -> send(result(id, broker.status(connector.status())));
                case "standDown" -> send(result(id, BrokerProtocol.JSON.createObjectNode().put("stopping", broker.standDown())));
                case "signInNeeded" -> {
                    SignInNeeded n = new SignInNeeded(required(server, "server"), connector.clock().instant());
                    broker.notifyHost(n);
                    send(result(id, BrokerProtocol.JSON.createObjectNode()));
                }
                case "signOut" -> // `xaa logout` while a broker runs: everyone is signed out at once
                        send(result(id, BrokerProtocol.signOutResult(connector.signOut())));
                case "signIn" -> signIn(id);
                case "serverSignIn" -> serverSignIn(id, required(server, "server"));
                case "serverSignOut" -> send(result(id, BrokerProtocol.serverStatus(connector.signOut(required(server, "server")))));
                case "sessionChanged" -> send(result(id, broker.status(connector.reloadSession())));
                case "subscribe" -> {
                    subscribed = true;
                    send(result(id, BrokerProtocol.JSON.createObjectNode()));
                }
                default -> send(error(id, "bad_request", "unknown op '" + op + "'"));
            }
        } catch (IllegalArgumentException e) {
            send(error(id, "bad_request", e.getMessage()));
        } catch (RuntimeException e) {
            send(error(id, e));
        }
    }

    private void token(JsonNode id, String server, JsonNode scopes) {
        if (scopes != null && scopes.isArray() && scopes.size() > 0) {
            var wanted = BrokerProtocol.strings(scopes);
            boolean covered = connector.cachedToken(server).map(t -> t.scopes().containsAll(wanted)).orElse(false);
            if (!covered) {
                connector.requestScopes(server, wanted);
            }
        }
        answer(id, connector.tokenAsync(server), BrokerProtocol::tokenJson);
    }

    /** {@code xaa login} while this broker owns the session: the browser sign-in runs here, in the host. */
    private void signIn(JsonNode id) {
        LOG.info("a client of the broker asks for a sign-in");
        answer(id, connector.signIn(), broker::status);
    }

    /** {@code xaa login SERVER} (or a tray's click) while this broker runs: the per-server sign-in runs here, in the host. */
    private void serverSignIn(JsonNode id, String server) {
        LOG.info("a client of the broker asks for a sign-in to MCP server '{}'", server);
        // the engine emits token_issued for the new token: every subscriber (a waiting bridge) hears of it
        answer(id, connector.signIn(server), BrokerProtocol::serverStatus);
    }

    /** Answers {@code id} when {@code work} completes: its result as {@code json}, or its typed error. */
    private <T> void answer(JsonNode id, CompletableFuture<T> work,
                            Function<T, ObjectNode> json) {
        work.whenComplete((value, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                send(error(id, cause));
            } else {
                send(result(id, json.apply(value)));
            }
        });
    }

    void send(ObjectNode message) {
        sendLine(message.toString());
    }

    void sendLine(String message) {
        try {
            line.writeLine(message);
        } catch (IOException e) {
            close();
        }
    }

    void close() {
        broker.dropped(this);
        line.close();
    }

    static ObjectNode result(JsonNode id, ObjectNode result) {
        ObjectNode m = BrokerProtocol.message();
        m.set("id", id);
        m.set("result", result);
        return m;
    }

    static ObjectNode error(JsonNode id, String code, String message) {
        ObjectNode m = BrokerProtocol.message();
        m.set("id", id);
        m.putObject("error").put("code", code).put("message", message == null ? code : message);
        return m;
    }

    /** The error answer for a failure of the connector (its kind, server, OAuth error, scopes). */
    static ObjectNode error(JsonNode id, Throwable failure) {
        ObjectNode m = BrokerProtocol.message();
        m.set("id", id);
        m.set("error", BrokerProtocol.error(failure));
        return m;
    }

    /** {@code ""} is a request sent without a token that the server refused (a server decided NONE). */
    private static String rejectedValue(JsonNode req) {
        JsonNode v = req.get("rejectedValue");
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'rejectedValue' is required");
        }
        return v.textValue();
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is required");
        }
        return value;
    }
}
