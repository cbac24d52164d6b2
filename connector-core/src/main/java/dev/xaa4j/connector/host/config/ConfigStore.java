package dev.xaa4j.connector.host.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-user config file ({@link ConfigPaths}), e.g.
 * <pre>{@code
 * { "idp": { "issuer": "https://idp.example", "clientId": "xaa", "authMethod": "none" },
 *   "servers": { "notes": { "url": "https://mcp.example/notes/mcp", "scopes": ["notes:read"] } } }
 * }</pre>
 * Writes are read-modify-write on the JSON tree, so keys this version does not know survive, and atomic
 * (temp file + rename). There are no secrets in it, by construction: no field takes one.
 *
 * <p>Environment overrides (CI): {@code XAA_CONFIG} (the file), {@code XAA_IDP_ISSUER},
 * {@code XAA_IDP_CLIENT_ID}, {@code XAA_IDP_AUTH_METHOD}, {@code XAA_SESSION_STORAGE} ({@code keyring} or
 * {@code memory}, see {@link SessionStorage}), and {@code XAA_SERVER_<NAME>=<url>} (name lower-cased,
 * {@code _} → {@code -}), which adds or replaces a server's URL, and {@code XAA_AUTH_<NAME>=auto|ema|oauth|none}
 * (same name rule), which sets a configured server's flow. Overrides apply to {@link #load()} only and
 * are never written back.
 */
public final class ConfigStore {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    private final Path file;
    private final Map<String, String> env;

    public ConfigStore(Path file, Map<String, String> env) {
        this.file = file;
        this.env = Map.copyOf(env);
    }

    /** The current user's store, honouring {@code XAA_CONFIG} and the other overrides. */
    public static ConfigStore forCurrentUser() {
        return new ConfigStore(ConfigPaths.configFile(), System.getenv());
    }

    public Path file() {
        return file;
    }

    /** The file merged with environment overrides; a missing file is an empty configuration. */
    public XaaConfig load() {
        ObjectNode root = readTree();
        JsonNode idpNode = root.path("idp");
        IdpSettings idp = idpNode.isObject()
                ? new IdpSettings(text(idpNode, "issuer"), text(idpNode, "clientId"), text(idpNode, "authMethod"))
                : null;
        String issuer = env.get("XAA_IDP_ISSUER");
        String clientId = env.get("XAA_IDP_CLIENT_ID");
        String method = env.get("XAA_IDP_AUTH_METHOD");
        if (issuer != null || clientId != null || method != null) {
            idp = new IdpSettings(
                    issuer != null ? issuer : idp == null ? null : idp.issuer(),
                    clientId != null ? clientId : idp == null ? null : idp.clientId(),
                    method != null ? method : idp == null ? null : idp.authMethod());
        }
        Map<String, ServerEntry> servers = new LinkedHashMap<>();
        root.path("servers").fields().forEachRemaining(e -> servers.put(e.getKey(), server(e.getValue())));
        env.forEach((k, v) -> {
            if (k.startsWith("XAA_SERVER_") && k.length() > "XAA_SERVER_".length() && !v.isBlank()) {
                String name = k.substring("XAA_SERVER_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
                ServerEntry old = servers.get(name);
                servers.put(name, old == null ? new ServerEntry(v, null, List.of(), null)
                        : new ServerEntry(v, old.pinnedAsIssuer(), old.scopes(), old.asClientId(), old.auth(),
                                old.jwtBearerScope(), old.workloadToken(), old.jwtBearerResource()));
            }
        });
        env.forEach((k, v) -> { // XAA_AUTH_<NAME>=auto|ema|oauth|none: the flow of a configured server
            if (k.startsWith("XAA_AUTH_") && k.length() > "XAA_AUTH_".length() && !v.isBlank()) {
                String name = k.substring("XAA_AUTH_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
                ServerEntry old = servers.get(name);
                if (old != null) {
                    try {
                        servers.put(name, old.withAuth(dev.xaa4j.connector.AuthMode.of(v)));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(k + ": " + e.getMessage(), e);
                    }
                }
            }
        });
        String storage = env.get("XAA_SESSION_STORAGE");
        JsonNode dpop = root.path("dpop");
        if (!dpop.isMissingNode() && !dpop.isNull() && !dpop.isBoolean()) {
            throw new IllegalArgumentException(file + ": \"dpop\" must be true or false, not " + dpop);
        }
        return new XaaConfig(idp, servers, SessionStorage.parse(storage != null ? storage : text(root, "sessionStorage")),
                dpop.asBoolean(true));
    }

    /** Sets the top-level {@code "sessionStorage"} ({@link SessionStorage#KEYRING} removes it: the default). */
    public void putSessionStorage(SessionStorage storage) {
        ObjectNode root = readTree();
        setOrRemove(root, "sessionStorage", storage == SessionStorage.KEYRING ? null : storage.wireName());
        write(root);
    }

    /** Adds or replaces {@code name}; keeps every other key of the file. */
    public void putServer(String name, ServerEntry entry) {
        validateName(name);
        validateUrl(entry.url());
        entry.authMode(); // an unknown flow word is refused before anything is written
        entry.jwtBearerScopeChoice();
        entry.jwtBearerResourceSent();
        ObjectNode root = readTree();
        ObjectNode servers = root.has("servers") && root.get("servers").isObject()
                ? (ObjectNode) root.get("servers") : root.putObject("servers");
        ObjectNode node = servers.has(name) && servers.get(name).isObject() ? (ObjectNode) servers.get(name) : MAPPER.createObjectNode();
        node.put("url", entry.url());
        setOrRemove(node, "pinnedAsIssuer", entry.pinnedAsIssuer());
        setOrRemove(node, "asClientId", entry.asClientId());
        setOrRemove(node, "auth", entry.auth());
        setOrRemove(node, "jwtBearerScope", entry.jwtBearerScope());
        setOrRemove(node, "workloadToken", entry.workloadToken());
        setOrRemove(node, "jwtBearerResource", entry.jwtBearerResource());
        if (entry.scopes().isEmpty()) {
            node.remove("scopes");
        } else {
            ArrayNode scopes = node.putArray("scopes");
            entry.scopes().forEach(scopes::add);
        }
        servers.set(name, node);
        write(root);
    }

    /** Removes {@code name}; returns whether it existed. */
    public boolean removeServer(String name) {
        ObjectNode root = readTree();
        JsonNode servers = root.path("servers");
        if (!servers.isObject() || !servers.has(name)) {
            return false;
        }
        ((ObjectNode) servers).remove(name);
        write(root);
        return true;
    }

    /** Sets the IdP; null fields leave the current value. */
    public void putIdp(IdpSettings idp) {
        if (idp.issuer() != null) {
            validateUrl(idp.issuer());
        }
        ObjectNode root = readTree();
        ObjectNode node = root.has("idp") && root.get("idp").isObject() ? (ObjectNode) root.get("idp") : root.putObject("idp");
        if (idp.issuer() != null) {
            node.put("issuer", idp.issuer());
        }
        if (idp.clientId() != null) {
            node.put("clientId", idp.clientId());
        }
        if (idp.authMethod() != null) {
            node.put("authMethod", idp.authMethod());
        }
        write(root);
    }

    static void validateName(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new IllegalArgumentException("server name '" + name
                    + "' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    static void validateUrl(String url) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + url + "' is not a URL");
        }
        if (!XaaConfig.isUrl(url) || u.getHost() == null) {
            throw new IllegalArgumentException("'" + url + "' is not an http(s) URL");
        }
        if (u.getUserInfo() != null || u.getRawQuery() != null && u.getRawQuery().toLowerCase(Locale.ROOT).contains("token")) {
            throw new IllegalArgumentException("the URL must not carry credentials; xaa obtains tokens itself");
        }
    }

    private ObjectNode readTree() {
        if (!Files.exists(file)) {
            return MAPPER.createObjectNode();
        }
        try {
            JsonNode node = MAPPER.readTree(file.toFile());
            if (node == null || node.isMissingNode()) {
                return MAPPER.createObjectNode();
            }
            if (!node.isObject()) {
                throw new IllegalStateException("config file " + file + " must hold a JSON object");
            }
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    private void write(ObjectNode root) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".config-", ".json.tmp");
            Files.write(tmp, MAPPER.writeValueAsBytes(root));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write config file " + file, e);
        }
    }

    private static ServerEntry server(JsonNode n) {
        List<String> scopes = new ArrayList<>();
        n.path("scopes").forEach(s -> scopes.add(s.asText()));
        return new ServerEntry(text(n, "url"), text(n, "pinnedAsIssuer"), scopes, text(n, "asClientId"), text(n, "auth"),
                text(n, "jwtBearerScope"), text(n, "workloadToken"), text(n, "jwtBearerResource"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void setOrRemove(ObjectNode node, String field, String value) {
        if (value == null) {
            node.remove(field);
        } else {
            node.put(field, value);
        }
    }

    /** The JSON a {@code --json} listing prints. */
    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
