package dev.xaa4j.sample.idp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.http.Http;
import dev.xaa4j.sample.keys.SigningKeys;
import dev.xaa4j.sample.policy.Policy;
import dev.xaa4j.sample.policy.PolicyEngine;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The administrator's endpoints under {@code /admin/} (issue 2 item 7), on the loopback IdP port only and
 * behind {@code Authorization: Bearer <admin token>} (compared in constant time):
 * <ul>
 *   <li>{@code POST /admin/revoke}, {@code POST /admin/restore} with {@code {"user":…,"server":…}} — take a
 *       user's grant for one MCP server away or give it back; only the next token exchange is affected,
 *       issued ID-JAGs and access tokens live until they expire;</li>
 *   <li>{@code POST /admin/rotate-keys} — new IdP signing key, the previous one stays in the JWKS;</li>
 *   <li>{@code GET /admin/grants?user=…} — the user's usable scopes per server and revocation flags;</li>
 *   <li>{@code POST /admin/dev-auto-approve} with {@code {"user":…}} — the user the {@link DevAutoApprove
 *       dev-only auto-approve mode} signs in from now on; 409 when the issuer was not started in that mode;</li>
 *   <li>{@code POST /admin/oauth-faults} with {@code {"fault":…}} (a word of
 *       {@link dev.xaa4j.sample.oauth.OAuthFaults.Fault}, or {@code reset}) — the hostile behaviour the plain OAuth
 *       side shows from now on; {@code GET /admin/oauth-faults} — the current one;</li>
 *   <li>{@code POST /admin/dpop} with {@code {"asNonce":true,…}} (see {@link dev.xaa4j.sample.dpop.DPoPModes}) —
 *       DPoP nonces and {@code requireDpop}; {@code GET /admin/dpop} — the current switches;</li>
 *   <li>the headless-grant and key operations of {@link GrantsAdmin} ({@code idp-features},
 *       {@code clients/{id}/jwks}, {@code workload-token}).</li>
 * </ul>
 * Errors are JSON {@code {"error","error_description"}}: 401 without a valid admin token, 400 for unknown
 * users or servers, 404 for unknown paths.
 */
final class AdminServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServlet.class);

    private final String adminToken;
    private final PolicyEngine policy;
    private final Map<String, URI> resourcesByName;
    private final SigningKeys keys;
    private final AuditLog audit;
    private final DevAutoApprove devAutoApprove;
    private final dev.xaa4j.sample.oauth.OAuthFaults oauthFaults;
    private final GrantsAdmin grants;

    private final dev.xaa4j.sample.dpop.DPoPModes dpop;

    AdminServlet(String adminToken, PolicyEngine policy, Map<String, URI> resourcesByName, SigningKeys keys,
                 AuditLog audit, DevAutoApprove devAutoApprove, dev.xaa4j.sample.oauth.OAuthFaults oauthFaults,
                 GrantsAdmin grants, dev.xaa4j.sample.dpop.DPoPModes dpop) {
        this.dpop = dpop;
        this.grants = grants;
        this.oauthFaults = oauthFaults;
        this.devAutoApprove = devAutoApprove;
        this.adminToken = adminToken;
        this.policy = policy;
        this.resourcesByName = Map.copyOf(resourcesByName);
        this.keys = keys;
        this.audit = audit;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!InetAddress.getByName(req.getRemoteAddr()).isLoopbackAddress()) {
            error(resp, 403, "access_denied", "the admin API answers loopback callers only");
            return;
        }
        String auth = req.getHeader("Authorization");
        String presented = auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7).trim() : null;
        if (!Secrets.constantTimeEquals(adminToken, presented)) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"admin\"");
            error(resp, 401, "invalid_token", "a valid admin token is required (Authorization: Bearer <admin token>)");
            return;
        }
        String op = req.getMethod() + " " + (req.getPathInfo() == null ? "" : req.getPathInfo());
        switch (op) {
            case "POST /revoke" -> changeGrant(req, resp, true);
            case "POST /restore" -> changeGrant(req, resp, false);
            case "POST /rotate-keys" -> rotateKeys(resp);
            case "GET /grants" -> grants(req, resp);
            case "POST /dev-auto-approve" -> switchAutoApprovedUser(req, resp);
            case "POST /oauth-faults" -> switchOAuthFault(req, resp);
            case "GET /oauth-faults" -> Http.json(resp, 200, oauthFaults.describe());
            case "POST /dpop" -> switchDpop(req, resp);
            case "GET /dpop" -> Http.json(resp, 200, dpop.describe());
            default -> {
                if (!grants.handle(op, req, resp)) {
                    error(resp, 404, "not_found", "no admin operation " + op);
                }
            }
        }
    }

    private void changeGrant(HttpServletRequest req, HttpServletResponse resp, boolean revoke) throws IOException {
        JsonNode body = jsonBody(req, resp, "{\"user\":\"alice\",\"server\":\"notes\"}");
        if (body == null) {
            return;
        }
        String user = body.path("user").asText(null);
        String server = body.path("server").asText(null);
        if (user == null || policy.policy().user(user).isEmpty()) {
            error(resp, 400, "invalid_request", "unknown user " + (user == null ? "(missing)" : "'" + user + "'"));
            return;
        }
        if (server == null || !resourcesByName.containsKey(server)) {
            error(resp, 400, "invalid_request", "unknown server " + (server == null ? "(missing)" : "'" + server + "'")
                    + "; known: " + resourcesByName.keySet());
            return;
        }
        boolean changed = revoke ? policy.revoke(user, server) : policy.restore(user, server);
        String reason = revoke ? "grant revoked by administrator" : "grant restored by administrator";
        audit.record(revoke ? "revoke" : "restore", user, null, null, resourcesByName.get(server).toString(),
                null, null, "allow", reason);
        LOG.info("admin: {} for user {} on server {}", revoke ? "revoked grant" : "restored grant", user, server);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", user);
        out.put("server", server);
        out.put("revoked", policy.isRevoked(user, server));
        out.put("changed", changed);
        Http.json(resp, 200, out);
    }

    private void switchAutoApprovedUser(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = jsonBody(req, resp, "{\"user\":\"bob\"}");
        if (body == null) {
            return;
        }
        try {
            devAutoApprove.switchTo(body.path("user").asText(null), policy.policy());
        } catch (IllegalStateException off) {
            error(resp, 409, "invalid_request", off.getMessage());
            return;
        } catch (IllegalArgumentException unknown) {
            error(resp, 400, "invalid_request", unknown.getMessage());
            return;
        }
        Http.json(resp, 200, Map.of("user", devAutoApprove.user().orElseThrow()));
    }

    private void switchOAuthFault(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = jsonBody(req, resp, "{\"fault\":\"iss-missing\"}");
        if (body == null) {
            return;
        }
        try {
            oauthFaults.set(body.path("fault").asText(null));
        } catch (IllegalArgumentException unknown) {
            error(resp, 400, "invalid_request", unknown.getMessage());
            return;
        }
        Http.json(resp, 200, oauthFaults.describe());
    }

    private void switchDpop(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = jsonBody(req, resp, "{\"asNonce\":true}");
        if (body == null) {
            return;
        }
        try {
            dpop.set(body);
        } catch (IllegalArgumentException bad) {
            error(resp, 400, "invalid_request", bad.getMessage());
            return;
        }
        Http.json(resp, 200, dpop.describe());
    }

    private void rotateKeys(HttpServletResponse resp) throws IOException {
        String previous = keys.current().getKeyID();
        String current = keys.rotate().getKeyID();
        LOG.info("admin: IdP signing key rotated from {} to {}", previous, current);
        Http.json(resp, 200, Map.of("kid", current, "previousKid", previous));
    }

    private void grants(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String user = req.getParameter("user");
        if (user == null || policy.policy().user(user).isEmpty()) {
            error(resp, 400, "invalid_request", "unknown user " + (user == null ? "(missing)" : "'" + user + "'"));
            return;
        }
        Map<String, Object> servers = new LinkedHashMap<>();
        for (Policy.Resource r : policy.policy().resources()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("resource", String.valueOf(resourcesByName.get(r.name())));
            s.put("scopes", policy.entitledScopes(user, r.name()));
            s.put("revoked", policy.isRevoked(user, r.name()));
            servers.put(r.name(), s);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", user);
        out.put("servers", servers);
        Http.json(resp, 200, out);
    }

    /** The request's JSON body (a missing node when empty), or {@code null} once a 400 naming {@code example} is sent. */
    static JsonNode jsonBody(HttpServletRequest req, HttpServletResponse resp, String example) throws IOException {
        try {
            JsonNode body = Http.JSON.readTree(req.getInputStream());
            return body == null ? MissingNode.getInstance() : body;
        } catch (IOException e) {
            error(resp, 400, "invalid_request", "the body must be JSON: " + example);
            return null;
        }
    }

    static void error(HttpServletResponse resp, int status, String code, String description) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        Http.json(resp, status, body);
    }
}
