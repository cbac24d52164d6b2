package dev.xaa4j.sample.idp;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.http.ClientKeys;
import dev.xaa4j.sample.http.Http;
import dev.xaa4j.sample.policy.Policy;
import dev.xaa4j.sample.workload.WorkloadIssuer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin operations of issue 12, behind {@link AdminServlet}'s loopback and admin-token checks:
 * <ul>
 *   <li>{@code GET|POST /admin/idp-features} {@code {"refreshTokenSubject":false}} — {@link IdpFeatures};</li>
 *   <li>{@code POST /admin/clients/{id}/jwks} with a JWK or JWK Set — the public keys a {@code private_key_jwt}
 *       client of the IdP or the MCP AS authenticates with from now on ({@link ClientKeys});</li>
 *   <li>{@code POST /admin/workload-token} {@code {"sub":"ci-job-1","aud":AS issuer,"ttl":300}} — a workload JWT
 *       from the {@link WorkloadIssuer} ({@code aud} defaults to the MCP AS, {@code ttl} to 300 s). The answer
 *       {@code {"token":…,"expires_in":…}} is the only place the token appears; it is never logged.</li>
 * </ul>
 */
final class GrantsAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(GrantsAdmin.class);
    private static final Pattern CLIENT_JWKS = Pattern.compile("POST /clients/([^/]+)/jwks");

    private final IdpFeatures features;
    private final ClientKeys clientKeys;
    private final Policy policy;
    private final WorkloadIssuer workloads;
    private final URI asIssuer;
    private final AuditLog audit;

    GrantsAdmin(IdpFeatures features, ClientKeys clientKeys, Policy policy, WorkloadIssuer workloads, URI asIssuer,
                AuditLog audit) {
        this.features = features;
        this.clientKeys = clientKeys;
        this.policy = policy;
        this.workloads = workloads;
        this.asIssuer = asIssuer;
        this.audit = audit;
    }

    /** Answers {@code op} ({@code "METHOD /path"}) if it is one of these operations; returns whether it was. */
    boolean handle(String op, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Matcher jwks = CLIENT_JWKS.matcher(op);
        if (jwks.matches()) {
            registerKeys(jwks.group(1), req, resp);
            return true;
        }
        switch (op) {
            case "GET /idp-features" -> Http.json(resp, 200, features.describe());
            case "POST /idp-features" -> switchFeatures(req, resp);
            case "POST /workload-token" -> mintWorkloadToken(req, resp);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void switchFeatures(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = AdminServlet.jsonBody(req, resp, "{\"refreshTokenSubject\":false}");
        if (body == null) {
            return;
        }
        JsonNode rt = body.path("refreshTokenSubject");
        if (!rt.isBoolean()) {
            AdminServlet.error(resp, 400, "invalid_request", "refreshTokenSubject must be true or false");
            return;
        }
        features.refreshTokenSubject(rt.booleanValue());
        audit.record("idp-features", null, null, null, null, null, null, "switch",
                "refreshTokenSubject=" + rt.booleanValue());
        Http.json(resp, 200, features.describe());
    }

    private void registerKeys(String clientId, HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<String> where = policy.clientRegistrations(clientId);
        if (where.isEmpty()) {
            AdminServlet.error(resp, 404, "not_found", "no client '" + clientId + "' at the IdP or the MCP AS; known: "
                    + policy.clientIds());
            return;
        }
        JWKSet keys;
        try {
            keys = ClientKeys.parsePublic(new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            AdminServlet.error(resp, 400, "invalid_request", e.getMessage());
            return;
        }
        clientKeys.register(clientId, keys);
        List<String> kids = clientKeys.keyIds(clientId);
        audit.record("client-keys", null, clientId, null, null, null, null, "allow",
                "private_key_jwt keys registered at " + where + ": kid " + kids);
        LOG.info("admin: private_key_jwt keys {} registered for client {} at {}", kids, clientId, where);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("clientId", clientId);
        out.put("registeredAt", where);
        out.put("kids", kids);
        Http.json(resp, 200, out);
    }

    private void mintWorkloadToken(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        JsonNode body = AdminServlet.jsonBody(req, resp, "{\"sub\":\"ci-job-1\",\"aud\":\"" + asIssuer
                + "\",\"ttl\":300}");
        if (body == null) {
            return;
        }
        String sub = body.path("sub").asText("");
        if (sub.isBlank()) {
            AdminServlet.error(resp, 400, "invalid_request", "sub is required: the workload's subject, e.g. ci-job-1");
            return;
        }
        String aud = body.path("aud").asText(asIssuer.toString());
        Duration ttl = Duration.ofSeconds(body.path("ttl").asLong(300));
        String token;
        try {
            token = workloads.mint(sub, aud, ttl);
        } catch (IllegalArgumentException e) {
            AdminServlet.error(resp, 400, "invalid_request", e.getMessage());
            return;
        }
        audit.record("workload-token", sub, null, aud, null, null, null, "allow",
                "workload JWT minted by administrator, ttl " + ttl.toSeconds() + " s");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", token);
        out.put("issuer", workloads.issuer().toString());
        out.put("expires_in", ttl.toSeconds());
        Http.json(resp, 200, out);
    }
}
