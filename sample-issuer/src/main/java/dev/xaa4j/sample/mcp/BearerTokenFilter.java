package dev.xaa4j.sample.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.dpop.DPoPRejected;
import dev.xaa4j.sample.dpop.DPoPVerifier;
import dev.xaa4j.sample.http.Http;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guards one MCP endpoint (docs/protocol.md §3.4, RFC 6750 §3, RFC 9728 §5.1, RFC 9449 §7):
 * <ul>
 *   <li>no or malformed {@code Authorization: Bearer|DPoP} → 401 {@code WWW-Authenticate: Bearer
 *       resource_metadata="…", scope="<read scope>"};</li>
 *   <li>a token that does not verify for this server → the same 401 with {@code error="invalid_token"};</li>
 *   <li>a DPoP-bound token ({@code cnf.jkt}) needs the {@code DPoP} scheme and a proof the {@link DPoPVerifier}
 *       accepts; else 401 {@code WWW-Authenticate: DPoP error="invalid_token"|"invalid_dpop_proof"|
 *       "use_dpop_nonce", algs="ES256", resource_metadata="…", scope="…"} (with {@code DPoP-Nonce} for the
 *       last); a token without {@code cnf} is accepted as {@code Bearer} only;</li>
 *   <li>a {@code tools/call} whose tool needs a scope the token lacks → 403 {@code error="insufficient_scope",
 *       scope="<required>"} (scheme {@code DPoP} for a bound token).</li>
 * </ul>
 * Every request is audit-logged (event {@code mcp-request}: allowed or refused with the reason, DPoP-bound or not
 * and the key's thumbprint; never the token or proof).
 * To see the tool name it reads the JSON-RPC body and hands the transport a request that replays it. The
 * verified {@link Principal} goes into the request attribute {@link Principal#KEY}.
 */
final class BearerTokenFilter extends HttpFilter {

    /** token68 (RFC 7235 §2.1) after the case-insensitive scheme. */
    private static final Pattern AUTHORIZATION = Pattern.compile("(?i)^(Bearer|DPoP) +([A-Za-z0-9\\-._~+/]+=*) *$");
    private static final String EVENT = "mcp-request";
    private static final int MAX_BODY = 1 << 20;

    private final McpResource server;
    private final TokenVerifier verifier;
    private final dev.xaa4j.sample.oauth.OAuthFaults faults;
    private final DPoPVerifier dpop;
    private final AuditLog audit;

    /**
     * @param faults the plain-OAuth fault switch this server obeys ({@code INSUFFICIENT_SCOPE_LOOP}), or {@code null}
     * @param audit  where requests are recorded, or {@code null} for nowhere
     */
    BearerTokenFilter(McpResource server, TokenVerifier verifier, dev.xaa4j.sample.oauth.OAuthFaults faults,
                      DPoPVerifier dpop, AuditLog audit) {
        this.dpop = dpop;
        this.audit = audit;
        this.server = server;
        this.verifier = verifier;
        this.faults = faults;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        String authorization = req.getHeader("Authorization");
        Matcher m = authorization == null ? null : AUTHORIZATION.matcher(authorization);
        if (m == null || !m.matches()) {
            record(null, "deny", "no access token", null);
            challenge(resp, 401, null, server.readScope(), "a bearer access token is required");
            return;
        }
        boolean dpopScheme = m.group(1).equalsIgnoreCase("DPoP");
        String token = m.group(2);
        Principal caller;
        try {
            caller = verifier.verify(token, server.resource());
        } catch (InvalidAccessToken e) {
            record(null, "deny", "invalid_token: " + e.getMessage(), null);
            challenge(resp, 401, "invalid_token", server.readScope(), e.getMessage(), dpopScheme);
            return;
        }
        JWKThumbprintConfirmation cnf;
        try {
            cnf = checkBinding(req, token, dpopScheme);
        } catch (DPoPRejected e) {
            record(caller, "deny", e.reason(), null);
            e.nonce().ifPresent(n -> resp.setHeader("DPoP-Nonce", n));
            challenge(resp, 401, e.error(), server.readScope(), e.getMessage(), true);
            return;
        }
        record(caller, "allow", req.getMethod() + (cnf == null ? " with a bearer token" : " with a DPoP-bound token"),
                cnf);
        req.setAttribute(Principal.KEY, caller);
        if (faults != null && faults.is(dev.xaa4j.sample.oauth.OAuthFaults.Fault.INSUFFICIENT_SCOPE_LOOP)) {
            String all = String.join(" ", server.scopes());
            faults.served(dev.xaa4j.sample.oauth.OAuthFaults.Fault.INSUFFICIENT_SCOPE_LOOP, server.resource().toString(),
                    "403 insufficient_scope scope=\"" + all + "\" to a valid token");
            challenge(resp, 403, "insufficient_scope", all, "this server wants the scopes " + all, dpopScheme);
            return;
        }
        if (!"POST".equals(req.getMethod())) {
            chain.doFilter(req, resp);
            return;
        }
        byte[] body = req.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            Http.json(resp, 413, Map.of("error", "request_too_large"));
            return;
        }
        Optional<String> missing = missingScope(body, caller);
        if (missing.isPresent()) {
            challenge(resp, 403, "insufficient_scope", missing.get(),
                    "this tool needs the scope " + missing.get(), dpopScheme);
            return;
        }
        chain.doFilter(new CachedBodyRequest(req, body), resp);
    }

    /** The scope a {@code tools/call} in {@code body} needs and {@code caller} lacks, if any. */
    private Optional<String> missingScope(byte[] body, Principal caller) {
        JsonNode root;
        try {
            root = Http.JSON.readTree(body);
        } catch (IOException malformed) {
            return Optional.empty(); // the transport answers malformed JSON-RPC itself
        }
        List<JsonNode> messages = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(messages::add);
        } else if (root != null) {
            messages.add(root);
        }
        for (JsonNode msg : messages) {
            if (!"tools/call".equals(msg.path("method").asText())) {
                continue;
            }
            Optional<ScopedTool> tool = server.tool(msg.path("params").path("name").asText());
            if (tool.isPresent() && !tool.get().allows(caller, server.scopes())) {
                return Optional.of(server.challengeScope(tool.get().requiredScope().orElse(server.readScope())));
            }
        }
        return Optional.empty();
    }

    /**
     * The token's DPoP binding, checked against the request: {@code null} for an unbound token sent as Bearer, the
     * confirmation for a bound one sent as DPoP with a valid proof.
     */
    private JWKThumbprintConfirmation checkBinding(HttpServletRequest req, String token, boolean dpopScheme)
            throws DPoPRejected {
        JWKThumbprintConfirmation cnf = confirmation(token);
        if (cnf == null && dpopScheme) {
            throw DPoPRejected.invalidToken("this access token is not DPoP-bound; send it as "
                    + "'Authorization: Bearer <token>'");
        }
        if (cnf != null && !dpopScheme) {
            throw DPoPRejected.invalidToken("this access token is DPoP-bound (cnf.jkt) and "
                    + "cannot be used as a bearer token; send 'Authorization: DPoP <token>' with a DPoP proof "
                    + "(RFC 9449 section 7.1)");
        }
        if (cnf != null) {
            dpop.atResource(req, token, cnf);
        }
        return cnf;
    }

    /** The verified token's {@code cnf.jkt}, or {@code null}; a {@code cnf} of another kind is refused. */
    private static JWKThumbprintConfirmation confirmation(String token) throws DPoPRejected {
        try {
            var claims = SignedJWT.parse(token).getJWTClaimsSet();
            if (claims.getClaim("cnf") == null) {
                return null;
            }
            JWKThumbprintConfirmation cnf = JWKThumbprintConfirmation.parse(claims);
            if (cnf == null) {
                throw DPoPRejected.invalidToken("the access token's cnf is not a DPoP key "
                        + "thumbprint (jkt); this server supports only DPoP binding");
            }
            return cnf;
        } catch (java.text.ParseException e) {
            return null; // the verifier accepted it, so it is a JWT; unreachable
        }
    }

    private void record(Principal caller, String decision, String reason, JWKThumbprintConfirmation cnf) {
        if (audit != null) {
            audit.record(EVENT, caller == null ? null : caller.subject(), caller == null ? null : caller.clientId(),
                    null, server.resource().toString(), null, null, decision, reason, caller == null ? null : cnf != null,
                    cnf == null ? null : cnf.getValue().toString());
        }
    }

    private void challenge(HttpServletResponse resp, int status, String error, String scope, String description)
            throws IOException {
        challenge(resp, status, error, scope, description, false);
    }

    private void challenge(HttpServletResponse resp, int status, String error, String scope, String description,
                           boolean dpopScheme) throws IOException {
        StringBuilder h = new StringBuilder(dpopScheme ? "DPoP " : "Bearer ");
        if (status == 403) {
            h.append("error=\"").append(error).append("\", scope=\"").append(scope)
                    .append("\", resource_metadata=\"").append(server.metadataUrl()).append('"');
        } else {
            if (error != null) {
                h.append("error=\"").append(error).append("\", ");
            }
            h.append("resource_metadata=\"").append(server.metadataUrl()).append("\", scope=\"").append(scope)
                    .append('"');
        }
        if (dpopScheme) {
            h.append(", algs=\"").append(String.join(" ", DPoPVerifier.ALGORITHMS)).append('"');
        }
        resp.setHeader("WWW-Authenticate", h.toString());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error == null ? "unauthorized" : error);
        body.put("error_description", description);
        Http.json(resp, status, body);
    }
}
