package dev.xaa4j.sample.dpop;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.sample.audit.AuditLog;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The DPoP behaviours (RFC 9449) the sample issuer can be switched to at run time, for clients' tests: server
 * nonces (§8 at the authorization servers, §9 at the MCP servers) and refusing token requests without a proof.
 * Switched through {@code POST /admin/dpop} on the IdP port with a JSON object of booleans; keys not sent keep
 * their value, {@code {"reset":true}} turns everything off. Every switch is audit-logged (event {@code dpop},
 * decision {@code switch}).
 *
 * <ul>
 *   <li>{@code idpNonce} — the IdP's token endpoint answers {@code 400 use_dpop_nonce} + {@code DPoP-Nonce} to a
 *       proof without the current nonce;</li>
 *   <li>{@code asNonce} — the same at the MCP authorization servers' token endpoints (EMA and plain OAuth);</li>
 *   <li>{@code rsNonce} — the MCP servers answer {@code 401 WWW-Authenticate: DPoP error="use_dpop_nonce"} +
 *       {@code DPoP-Nonce} to a DPoP request whose proof lacks the current nonce;</li>
 *   <li>{@code requireDpop} — the MCP authorization servers refuse a token request without a proof
 *       ({@code 400 invalid_dpop_proof}).</li>
 * </ul>
 * A nonce is drawn when its switch is turned on and stays the same until it is turned off. Thread-safe: the state
 * is one immutable value behind a volatile reference, replaced under this object's lock.
 */
public final class DPoPModes {

    /** Which kind of server checks a proof; each has its own nonce switch. */
    public enum Side {
        /** The enterprise IdP's token endpoint (the ID-JAG exchange). */
        IDP,
        /** An MCP authorization server's token endpoint (EMA jwt-bearer, plain OAuth code and refresh). */
        AS,
        /** An MCP server (resource server). */
        RS
    }

    /** The switch names of the admin API, in the order {@link #describe()} lists them. */
    static final List<String> SWITCHES = List.of("idpNonce", "asNonce", "rsNonce", "requireDpop");

    private record State(Map<Side, String> nonces, boolean requireDpop) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private final AuditLog audit;
    private volatile State state = new State(Map.of(), false);

    public DPoPModes(AuditLog audit) {
        this.audit = audit;
    }

    /** The nonce {@code side} currently demands in every proof, or empty when its nonce switch is off. */
    public Optional<String> nonce(Side side) {
        return Optional.ofNullable(state.nonces().get(side));
    }

    /** Whether the MCP authorization servers refuse token requests that carry no DPoP proof. */
    public boolean requireDpop() {
        return state.requireDpop();
    }

    /**
     * Applies the switches in {@code body} ({@code {"asNonce":true,…}} or {@code {"reset":true}}).
     *
     * @throws IllegalArgumentException naming the known switches when a key is unknown or a value not a boolean;
     *                                  nothing is changed then
     */
    public synchronized void set(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object of booleans, e.g. "
                    + "{\"asNonce\":true}; known switches: reset, " + String.join(", ", SWITCHES));
        }
        Map<Side, String> nonces = new LinkedHashMap<>(state.nonces());
        boolean require = state.requireDpop();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isBoolean()) {
                throw new IllegalArgumentException("DPoP switch '" + e.getKey() + "' must be true or false");
            }
            boolean on = e.getValue().booleanValue();
            switch (e.getKey()) {
                case "reset" -> {
                    if (on) {
                        nonces.clear();
                        require = false;
                    }
                }
                case "idpNonce" -> nonce(nonces, Side.IDP, on);
                case "asNonce" -> nonce(nonces, Side.AS, on);
                case "rsNonce" -> nonce(nonces, Side.RS, on);
                case "requireDpop" -> require = on;
                default -> throw new IllegalArgumentException("unknown DPoP switch '" + e.getKey()
                        + "'; known: reset, " + String.join(", ", SWITCHES));
            }
        }
        State before = state;
        state = new State(Map.copyOf(nonces), require);
        audit.record("dpop", null, null, null, null, null, null, "switch", describe(before) + " -> " + describe(state));
    }

    private static void nonce(Map<Side, String> nonces, Side side, boolean on) {
        if (!on) {
            nonces.remove(side);
        } else if (!nonces.containsKey(side)) {
            byte[] b = new byte[16];
            RANDOM.nextBytes(b);
            nonces.put(side, Base64.getUrlEncoder().withoutPadding().encodeToString(b));
        }
    }

    /** {@code {"idpNonce":false,"asNonce":true,…}} for the admin API (no nonce values). */
    public Map<String, Object> describe() {
        return describe(state);
    }

    private static Map<String, Object> describe(State s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("idpNonce", s.nonces().containsKey(Side.IDP));
        out.put("asNonce", s.nonces().containsKey(Side.AS));
        out.put("rsNonce", s.nonces().containsKey(Side.RS));
        out.put("requireDpop", s.requireDpop());
        return out;
    }
}
