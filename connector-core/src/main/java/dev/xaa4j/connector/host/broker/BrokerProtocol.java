package dev.xaa4j.connector.host.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorMetrics;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The broker's wire format, version {@value #VERSION}: one JSON object per line (UTF-8, {@code \n}), both ways.
 *
 * <pre>
 * request   {"v":1,"id":7,"op":"token","server":"notes","scopes":["notes.write"]}      scopes optional
 * response  {"v":1,"id":7,"result":{"value":"…","tokenType":"Bearer","expiresAt":"2026-…Z","scopes":["notes.read"]}}
 * error     {"v":1,"id":7,"error":{"code":"access_denied","message":"…","server":"notes","oauthError":"invalid_grant"}}
 * event     {"v":1,"event":{"type":"signed_in","at":"…","user":"alice","sessionExpiresAt":"…"}}   after "subscribe"
 * </pre>
 *
 * <p>Operations: {@code hello} → {@code {versions, pid, sessionStorage}} ({@code keyring} or {@code memory}); {@code token {server, scopes?}}; {@code invalidate
 * {server, rejectedValue}} → {@code {invalidated}} ({@code rejectedValue} {@code ""}: a request sent without a
 * token was refused); {@code requestScopes {server, scopes}} → {@code {changed}}; {@code dpopProof {server, token,
 * htm, htu, nonce?}} → {@code {proof}} (a DPoP proof, RFC 9449 §4.2, made by the broker's host with its key for a
 * request with that DPoP-bound token: the private key never leaves the host; an older broker answers
 * {@code bad_request} "unknown op", and never issued DPoP-bound tokens);
 * {@code status} → {@link BrokerStatus} (with {@code onDemand} and, for a host that exits when idle,
 * {@code idleExitMillis}: {@link AgentLifetime}); {@code standDown} → {@code {stopping}} (another session owner
 * takes over: an agent started on demand stops, any other host refuses); {@code signInNeeded {server}} (the host shows a notification; the
 * broker never opens a browser for a client); {@code signOut} (ends the session as {@code xaa logout}: revokes the
 * refresh token at the IdP and deletes it; answers {@code {revocation, problem?, user?}}, see {@link SignOutResult});
 * {@code sessionChanged} (another process signed in, as {@code xaa login}: re-read the stored session, answer
 * like {@code status}); {@code signIn} (the broker's host runs the browser sign-in itself, as {@code xaa login}
 * does, and answers like {@code status} once it completes: for a broker that keeps the session only in its
 * memory); {@code serverSignIn {server}} (the per-server sign-in of a plain-OAuth server, as
 * {@code xaa login SERVER}, run by the broker's host with its browser; answers that server's status object, see
 * {@link #serverStatus(ServerStatus)}, once its token exists); {@code serverSignOut {server}} (ends that server's
 * grant, RFC 7009; answers its status object); {@code subscribe} (events {@code signed_in}, {@code signed_out},
 * {@code access_revoked}, {@code sign_in_required} and {@code token_issued {server, scopes, expiresAt}}, never a
 * value, are pushed on this connection from now on). Each server of {@code status} carries {@code flow} and
 * {@code flowReason} (docs/architecture.md "Choosing the flow"). Requests on one
 * connection may be answered out of order; match them by {@code id}.
 *
 * <p>Error codes: a {@link ConnectorException.Kind} as {@link #code(ConnectorException.Kind)} names it, with the
 * exception's {@code server} and {@code oauthError} when it has them (and {@code scopes} for a
 * {@link ScopeDeniedException}), rebuilt by {@link BrokerClient} as the same kind and data; {@code unknown_server}
 * (the broker's configuration has no such server: serve it yourself), and {@code bad_request},
 * {@code unsupported_version}, {@code busy}, {@code internal}.
 * A token value crosses the socket only in a {@code token} result and an {@code invalidate} or {@code dpopProof}
 * request, a proof only in a {@code dpopProof} result; neither side logs any of them. Adding an operation keeps the
 * version; changing the meaning of one bumps it.
 */
public final class BrokerProtocol {

    public static final int VERSION = 1;
    static final ObjectMapper JSON = new ObjectMapper();
    /** A line longer than this is a protocol violation (a token response is a few kilobytes). */
    static final int MAX_LINE = 1 << 20;

    private BrokerProtocol() {
    }

    static ObjectNode message() {
        return JSON.createObjectNode().put("v", VERSION);
    }

    /**
     * The wire name of each kind: the one mapping from {@link ConnectorException.Kind} to the broker's error
     * {@code code} ({@code config} is the name version 1 has always used for configuration errors).
     */
    static String code(ConnectorException.Kind kind) {
        return switch (kind) {
            case SIGN_IN_REQUIRED -> "sign_in_required";
            case SERVER_SIGN_IN_REQUIRED -> "server_sign_in_required";
            case NOT_PROTECTED -> "not_protected";
            case SIGN_IN_FAILED -> "sign_in_failed";
            case ACCESS_DENIED -> "access_denied";
            case SERVER_NOT_ENABLED -> "server_not_enabled";
            case SUBJECT_TOKEN_REJECTED -> "subject_token_rejected";
            case UPSTREAM_UNAVAILABLE -> "upstream_unavailable";
            case CONFIGURATION -> "config";
            case CREDENTIAL_STORE -> "credential_store";
            case KEYRING_UNAVAILABLE -> "keyring_unavailable";
        };
    }

    /** The kind whose {@link #code(ConnectorException.Kind)} is {@code code}, if one is. */
    static Optional<ConnectorException.Kind> kind(String code) {
        for (ConnectorException.Kind k : ConnectorException.Kind.values()) {
            if (code(k).equals(code)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /** The {@code error} object for a failure: its kind's code, message, server, OAuth error and refused scopes. */
    static ObjectNode error(Throwable e) {
        ObjectNode err = JSON.createObjectNode();
        String message = e.getMessage();
        if (e instanceof UnknownServerException) {
            err.put("code", "unknown_server");
        } else if (e instanceof ConnectorException c) {
            err.put("code", code(c.kind()));
            c.server().ifPresent(s -> err.put("server", s));
            c.oauthError().ifPresent(o -> err.put("oauthError", o));
            if (c instanceof ScopeDeniedException d) {
                err.set("scopes", array(d.scopes()));
            }
        } else if (e instanceof IllegalArgumentException) {
            err.put("code", code(ConnectorException.Kind.CONFIGURATION));
        } else {
            err.put("code", "internal");
        }
        return err.put("message", message == null ? err.path("code").asText() : message);
    }

    /**
     * The exception the embedded connector would have thrown for an {@code error} object: the same kind, server,
     * OAuth error (and scopes). {@code server} is the request's, used when the error names none.
     */
    static ConnectorException exception(JsonNode err, String server) {
        String code = err.path("code").asText();
        String message = err.path("message").asText();
        String errServer = text(err, "server").orElse(server.isEmpty() ? null : server);
        String oauthError = text(err, "oauthError").orElse(null);
        if (code.equals("unknown_server")) {
            return new UnknownServerException(message);
        }
        Optional<ConnectorException.Kind> kind = kind(code);
        if (kind.isEmpty()) {
            return new BrokerException("the broker refused the request (" + code + "): " + message);
        }
        if (kind.get() == ConnectorException.Kind.ACCESS_DENIED && err.path("scopes").isArray() && err.path("scopes").size() > 0) {
            return new ScopeDeniedException(errServer, new java.util.LinkedHashSet<>(strings(err.path("scopes"))), message,
                    oauthError, null);
        }
        return new ConnectorException(kind.get(), errServer, message, oauthError, null);
    }

    /** The {@code status} result: the engine's state and counters, no token values. */
    static ObjectNode status(ConnectorStatus s, ConnectorMetrics m, Instant startedAt, int clients, SessionStorage storage,
                             AgentLifetime lifetime) {
        ObjectNode n = JSON.createObjectNode()
                .put("pid", ProcessHandle.current().pid())
                .put("startedAt", startedAt.toString())
                .put("clients", clients)
                .put("sessionStorage", storage.wireName())
                .put("onDemand", lifetime.onDemand())
                .put("canRefresh", s.canRefresh());
        lifetime.idleExit().ifPresent(d -> n.put("idleExitMillis", d.toMillis()));
        s.user().ifPresent(u -> n.put("user", u));
        s.displayName().ifPresent(d -> n.put("displayName", d));
        s.sessionExpiresAt().ifPresent(t -> n.put("sessionExpiresAt", t.toString()));
        ObjectNode servers = n.putObject("servers");
        s.servers().forEach((name, st) -> servers.set(name, serverStatus(st)));
        n.putObject("metrics").put("renewals", m.renewals()).put("blockedCalls", m.blockedCalls()).put("failures", m.failures());
        return n;
    }

    /** A {@code status} result read back ({@link #status}); a malformed one throws a runtime exception. */
    static BrokerStatus brokerStatus(JsonNode n) {
        Map<String, ServerStatus> servers = new LinkedHashMap<>();
        n.path("servers").fields().forEachRemaining(e -> servers.put(e.getKey(),
                serverStatus(e.getKey(), e.getValue())));
        ConnectorStatus status = new ConnectorStatus(text(n, "user"), text(n, "displayName"),
                text(n, "sessionExpiresAt").map(Instant::parse), n.path("canRefresh").asBoolean(), servers);
        JsonNode m = n.path("metrics");
        return new BrokerStatus(n.path("pid").asLong(), Instant.parse(n.path("startedAt").asText()), n.path("clients").asInt(),
                status, new ConnectorMetrics(m.path("renewals").asLong(), m.path("blockedCalls").asLong(), m.path("failures").asLong()),
                sessionStorage(n), new AgentLifetime(n.path("onDemand").asBoolean(), n.has("idleExitMillis")
                        ? Optional.of(java.time.Duration.ofMillis(n.path("idleExitMillis").asLong())) : Optional.empty()));
    }

    /**
     * One server's status object (in {@code status}, and the result of {@code serverSignIn}/{@code serverSignOut}):
     * {@code state}, {@code expiresAt?}, {@code scopes}, {@code lastError?}, {@code lastErrorKind?},
     * {@code lastOAuthError?}, {@code flow} ({@link AuthMode#word()}; {@code auto} = not decided yet),
     * {@code flowReason?}. No token value.
     */
    static ObjectNode serverStatus(ServerStatus st) {
        ObjectNode o = JSON.createObjectNode().put("state", st.state().name());
        st.expiresAt().ifPresent(t -> o.put("expiresAt", t.toString()));
        o.set("scopes", array(st.scopes()));
        st.lastError().ifPresent(e -> o.put("lastError", e));
        st.lastErrorKind().ifPresent(k -> o.put("lastErrorKind", code(k)));
        st.lastOAuthError().ifPresent(e -> o.put("lastOAuthError", e));
        o.put("flow", st.flow().word());
        st.flowReason().ifPresent(r -> o.put("flowReason", r));
        return o;
    }

    /**
     * The status of {@code server} read from its {@link #serverStatus(ServerStatus)} object; a missing or unknown
     * {@code flow} (an older or newer broker) is {@link AuthMode#AUTO}.
     *
     * @throws RuntimeException a malformed object (a missing state, an unparsable time)
     */
    static ServerStatus serverStatus(String server, JsonNode s) {
        AuthMode flow;
        try {
            flow = AuthMode.of(s.path("flow").asText("auto"));
        } catch (IllegalArgumentException newer) {
            flow = AuthMode.AUTO;
        }
        return new ServerStatus(server, ServerState.valueOf(s.path("state").asText()),
                text(s, "expiresAt").map(Instant::parse), java.util.Set.copyOf(strings(s.path("scopes"))),
                text(s, "lastError"), text(s, "lastErrorKind").flatMap(BrokerProtocol::kind), text(s, "lastOAuthError"),
                flow, flow == AuthMode.AUTO ? Optional.empty() : text(s, "flowReason"));
    }

    /** The {@code token} result. */
    static ObjectNode tokenJson(AccessToken t) {
        ObjectNode n = JSON.createObjectNode()
                .put("value", t.value())
                .put("tokenType", t.tokenType())
                .put("expiresAt", t.expiresAt().toString());
        n.set("scopes", array(t.scopes()));
        return n;
    }

    /** A {@code dpopProof} request: the DPoP-bound token and the HTTP request the proof is for. */
    static ObjectNode dpopProofRequest(AccessToken t, String htm, java.net.URI htu, Optional<String> nonce) {
        return message().put("op", "dpopProof").put("server", t.server()).put("token", t.value()).put("htm", htm)
                .put("htu", htu.toString()).put("nonce", nonce.orElse(null));
    }

    /** The {@code proof} of a {@code dpopProof} result. @throws BrokerException it has none */
    static String proof(JsonNode result) {
        JsonNode proof = result.get("proof");
        if (proof == null || !proof.isTextual()) {
            throw new BrokerException("the broker's answer to 'dpopProof' has no proof; restart the broker (xaa agent)"
                    + " with this version of xaa");
        }
        return proof.textValue();
    }

    /** A {@code sessionStorage} field; absent (an older broker) is {@link SessionStorage#KEYRING}. */
    static SessionStorage sessionStorage(JsonNode n) {
        try {
            return SessionStorage.parse(n.path("sessionStorage").asText(null));
        } catch (IllegalArgumentException newer) {
            return SessionStorage.KEYRING;
        }
    }

    static ObjectNode signOutResult(SignOutResult r) {
        ObjectNode n = JSON.createObjectNode().put("revocation", r.revocation().name().toLowerCase(Locale.ROOT));
        r.user().ifPresent(u -> n.put("user", u));
        r.problem().ifPresent(p -> n.put("problem", p));
        return n;
    }

    /** An answer of an older broker (empty result) reads as "signed out on this machine". */
    static SignOutResult signOutResult(JsonNode n) {
        SignOutResult.Revocation revocation;
        try {
            revocation = SignOutResult.Revocation.valueOf(n.path("revocation").asText("nothing_to_revoke").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException newer) {
            revocation = SignOutResult.Revocation.NOTHING_TO_REVOKE;
        }
        Optional<String> problem = text(n, "problem");
        if (revocation == SignOutResult.Revocation.FAILED && problem.isEmpty()) {
            problem = Optional.of("the broker gave no reason");
        }
        return new SignOutResult(text(n, "user"), revocation, revocation == SignOutResult.Revocation.FAILED ? problem : Optional.empty());
    }

    static ObjectNode event(ConnectorEvent e) {
        ObjectNode n = JSON.createObjectNode().put("type", e.type()).put("at", e.at().toString());
        if (e instanceof ConnectorEvent.SignedIn s) {
            n.put("user", s.user()).put("sessionExpiresAt", s.sessionExpiresAt().toString());
        } else if (e instanceof ConnectorEvent.SignedOut s) {
            s.user().ifPresent(u -> n.put("user", u));
        } else if (e instanceof ConnectorEvent.AccessRevoked r) {
            n.put("server", r.server()).put("reason", r.reason());
        } else if (e instanceof ConnectorEvent.SignInRequired r) {
            r.server().ifPresent(s -> n.put("server", s));
            n.put("reason", r.reason());
        } else if (e instanceof ConnectorEvent.TokenIssued t) {
            // no value: tells a waiting bridge that the server's token now exists (a per-server sign-in finished)
            n.put("server", t.server()).put("expiresAt", t.expiresAt().toString()).set("scopes", array(t.scopes()));
        } else {
            return null; // renewal_failed: a local matter of the broker
        }
        return n;
    }

    static Optional<ConnectorEvent> event(JsonNode n) {
        Instant at = Instant.parse(n.path("at").asText());
        Optional<String> server = text(n, "server");
        ConnectorEvent e = switch (n.path("type").asText()) {
            case "signed_in" -> new ConnectorEvent.SignedIn(at, n.path("user").asText(), Instant.parse(n.path("sessionExpiresAt").asText()));
            case "signed_out" -> new ConnectorEvent.SignedOut(at, text(n, "user"));
            case "access_revoked" -> new ConnectorEvent.AccessRevoked(at, server.orElse(""), n.path("reason").asText());
            case "sign_in_required" -> new ConnectorEvent.SignInRequired(at, server, n.path("reason").asText());
            case "token_issued" -> new ConnectorEvent.TokenIssued(at, server.orElse(""),
                    java.util.Set.copyOf(strings(n.path("scopes"))), Instant.parse(n.path("expiresAt").asText()));
            default -> null; // newer brokers may push more; older clients ignore them
        };
        return Optional.ofNullable(e);
    }

    static Optional<String> text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }

    static ArrayNode array(Collection<String> values) {
        ArrayNode a = JSON.createArrayNode();
        values.stream().sorted().forEach(a::add);
        return a;
    }
}
