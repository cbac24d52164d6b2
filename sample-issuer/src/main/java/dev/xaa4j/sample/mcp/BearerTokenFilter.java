package dev.xaa4j.sample.mcp;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Guards one MCP endpoint (docs/protocol.md §3.4, RFC 6750 §3, RFC 9728 §5.1):
 * <ul>
 *   <li>no or malformed {@code Authorization: Bearer} → 401 {@code WWW-Authenticate: Bearer
 *       resource_metadata="…", scope="<read scope>"};</li>
 *   <li>a token that does not verify for this server → the same 401 with {@code error="invalid_token"};</li>
 *   <li>a {@code tools/call} whose tool needs a scope the token lacks → 403 {@code error="insufficient_scope",
 *       scope="<required>"}.</li>
 * </ul>
 * To see the tool name it reads the JSON-RPC body and hands the transport a request that replays it. The
 * verified {@link Principal} goes into the request attribute {@link Principal#KEY}.
 */
final class BearerTokenFilter extends HttpFilter {

    /** token68 (RFC 7235 §2.1) after the case-insensitive scheme. */
    private static final Pattern BEARER = Pattern.compile("(?i)^Bearer +([A-Za-z0-9\\-._~+/]+=*) *$");
    private static final int MAX_BODY = 1 << 20;

    private final McpResource server;
    private final TokenVerifier verifier;
    private final dev.xaa4j.sample.oauth.OAuthFaults faults;

    BearerTokenFilter(McpResource server, TokenVerifier verifier) {
        this(server, verifier, null);
    }

    /** @param faults the plain-OAuth fault switch this server obeys ({@code INSUFFICIENT_SCOPE_LOOP}), or {@code null} */
    BearerTokenFilter(McpResource server, TokenVerifier verifier, dev.xaa4j.sample.oauth.OAuthFaults faults) {
        this.server = server;
        this.verifier = verifier;
        this.faults = faults;
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        String authorization = req.getHeader("Authorization");
        Matcher m = authorization == null ? null : BEARER.matcher(authorization);
        if (m == null || !m.matches()) {
            challenge(resp, 401, null, server.readScope(), "a bearer access token is required");
            return;
        }
        Principal caller;
        try {
            caller = verifier.verify(m.group(1), server.resource());
        } catch (InvalidAccessToken e) {
            challenge(resp, 401, "invalid_token", server.readScope(), e.getMessage());
            return;
        }
        req.setAttribute(Principal.KEY, caller);
        if (faults != null && faults.is(dev.xaa4j.sample.oauth.OAuthFaults.Fault.INSUFFICIENT_SCOPE_LOOP)) {
            String all = String.join(" ", server.scopes());
            faults.served(dev.xaa4j.sample.oauth.OAuthFaults.Fault.INSUFFICIENT_SCOPE_LOOP, server.resource().toString(),
                    "403 insufficient_scope scope=\"" + all + "\" to a valid token");
            challenge(resp, 403, "insufficient_scope", all, "this server wants the scopes " + all);
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
                    "this tool needs the scope " + missing.get());
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

    private void challenge(HttpServletResponse resp, int status, String error, String scope, String description)
            throws IOException {
        StringBuilder h = new StringBuilder("Bearer ");
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
        resp.setHeader("WWW-Authenticate", h.toString());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error == null ? "unauthorized" : error);
        body.put("error_description", description);
        Http.json(resp, status, body);
    }
}
