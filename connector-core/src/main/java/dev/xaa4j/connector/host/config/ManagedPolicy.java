package dev.xaa4j.connector.host.config;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The machine-wide policy an organization's device management installs (docs/admin.md): a JSON file, the Windows
 * registry or macOS managed preferences ({@link PolicyStore}), each giving the same JSON tree: the IdP, servers
 * and top-level settings in the shapes of the user's config file ({@link ConfigStore}), plus {@code "locked"}, the
 * keys the user cannot override. No field takes a secret: a confidential IdP client authenticates with the
 * per-install client key ({@code private_key_jwt}) or a secret device management put into the OS keyring.
 *
 * <p>Parsing is strict, unlike the user's file: an unknown key, a key given twice, content after the object, a key
 * of the wrong type, an unknown auth method or flow, a malformed URL or a lock of a key the policy does not set is
 * a {@link MalformedPolicyException}
 * naming the place and the fault (a typo in {@code "locked"} must not silently unlock a setting). Immutable.
 *
 * @param origin         where it was read, as {@link PolicyStore#where()} words it, e.g. {@code policy file /etc/xaa4j/policy.json}
 * @param idp            the IdP, or null when the policy sets none
 * @param servers        the policy's servers, in file order
 * @param dpop           {@code "dpop"}, or null when not set
 * @param sessionStorage {@code "sessionStorage"}, or null when not set
 * @param agent          {@code "agent"} (start the session owner on demand), or null when not set
 * @param locked         the locked keys, each one of {@link #LOCKABLE} or {@code servers.NAME}
 */
public record ManagedPolicy(String origin, IdpSettings idp, Map<String, ServerEntry> servers, Boolean dpop,
                            SessionStorage sessionStorage, Boolean agent, Set<String> locked) {

    /** The keys {@code "locked"} may name besides {@code servers.NAME}; {@code idp} and {@code servers} lock all their fields. */
    public static final List<String> LOCKABLE = List.of("idp", "idp.issuer", "idp.clientId", "idp.authMethod", "servers",
            "dpop", "sessionStorage", "agent");

    /** The Linux (and other Unix) location: {@code /etc/xaa4j/policy.json}. */
    public static final Path LINUX_FILE = Path.of("/etc/xaa4j/policy.json");

    private static final Set<String> TOP_LEVEL = Set.of("idp", "servers", "locked", "dpop", "sessionStorage", "agent");
    private static final Set<String> IDP_KEYS = Set.of("issuer", "clientId", "authMethod");
    private static final Set<String> SERVER_KEYS = Set.of("url", "pinnedAsIssuer", "scopes", "asClientId", "auth",
            "jwtBearerScope", "workloadToken", "jwtBearerResource");

    /**
     * The JSON reader of every policy place: a key given twice (Jackson would keep the last: {@code "locked"} twice
     * could unlock) and anything after the object are faults, not silently dropped.
     */
    static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public ManagedPolicy {
        servers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(servers));
        locked = Set.copyOf(locked);
    }

    /**
     * The policy file to read: {@code $XAA_POLICY} when set (tests, packaging), else the platform's location:
     * {@link #LINUX_FILE} on Linux and other Unix, {@code /Library/Application Support/xaa4j/policy.json} on
     * macOS and {@code %ProgramData%\xaa4j\policy.json} on Windows. The registry and managed preferences come
     * before the file on their platforms ({@link PolicyStore#forPlatform}). A pure function of its arguments.
     */
    public static Path location(Map<String, String> env, String osName) {
        String explicit = env.get("XAA_POLICY");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            String programData = env.getOrDefault("ProgramData", env.getOrDefault("PROGRAMDATA", "C:\\ProgramData"));
            return Path.of(programData, ConfigPaths.APP, "policy.json");
        }
        if (os.startsWith("mac")) {
            return Path.of("/Library/Application Support", ConfigPaths.APP, "policy.json");
        }
        return LINUX_FILE;
    }

    /**
     * Reads the JSON policy file {@code file}; empty when it does not exist (no policy: every setting is the user's).
     *
     * @throws MalformedPolicyException the file cannot be read or is malformed; the message names the file and the fault
     */
    public static Optional<ManagedPolicy> read(Path file) {
        return PolicyStore.file(file).read();
    }

    /**
     * Parses the JSON tree of a policy read from {@code where}.
     *
     * @throws MalformedPolicyException it is not an object or breaks a rule of docs/admin.md "Keys"
     */
    static ManagedPolicy parse(String where, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new MalformedPolicyException(where, "must hold a JSON object");
        }
        try {
            return parseObject(where, root);
        } catch (MalformedPolicyException e) {
            throw e;
        } catch (IllegalArgumentException | dev.xaa4j.connector.ConnectorException e) {
            throw new MalformedPolicyException(where, e.getMessage());
        }
    }

    private static ManagedPolicy parseObject(String where, JsonNode root) {
        known(root, TOP_LEVEL, "");
        IdpSettings idp = null;
        if (root.has("idp")) {
            JsonNode n = object(root.get("idp"), "idp");
            known(n, IDP_KEYS, "idp.");
            strings(n, "idp.");
            idp = ConfigStore.idp(n);
            if (idp.issuer() != null) {
                ConfigStore.validateUrl(idp.issuer());
            }
            ConnectorFactory.method(idp.authMethod());
        }
        Map<String, ServerEntry> servers = new LinkedHashMap<>();
        if (root.has("servers")) {
            object(root.get("servers"), "servers").fields().forEachRemaining(e -> {
                JsonNode n = object(e.getValue(), "servers." + e.getKey());
                known(n, SERVER_KEYS, "servers." + e.getKey() + ".");
                strings(n, "servers." + e.getKey() + ".");
                ServerEntry entry = ConfigStore.server(n);
                if (entry.url() == null) {
                    throw new IllegalArgumentException("server '" + e.getKey() + "' has no \"url\"");
                }
                ConfigStore.validate(e.getKey(), entry);
                if (!e.getKey().equals(e.getKey().toLowerCase(Locale.ROOT))) { // XAA_SERVER_NAME is lower-cased: one name
                    throw new IllegalArgumentException("server name '" + e.getKey() + "' must be lower-case, as the names of"
                            + " XAA_SERVER_* variables are: use '" + e.getKey().toLowerCase(Locale.ROOT) + "'");
                }
                servers.put(e.getKey(), entry);
            });
        }
        Boolean dpop = flag(root, "dpop");
        Boolean agent = flag(root, "agent");
        if (root.has("sessionStorage") && !root.get("sessionStorage").isTextual()) {
            throw new IllegalArgumentException("\"sessionStorage\" must be a string, not " + root.get("sessionStorage"));
        }
        SessionStorage storage = root.has("sessionStorage") ? SessionStorage.parse(root.get("sessionStorage").asText()) : null;
        Set<String> locked = new LinkedHashSet<>();
        JsonNode lockedNode = root.path("locked");
        if (!lockedNode.isMissingNode() && !lockedNode.isArray()) {
            throw new IllegalArgumentException("\"locked\" must be an array of keys, e.g. [\"idp\", \"servers\"]");
        }
        for (JsonNode k : lockedNode) {
            if (!k.isTextual()) {
                throw new IllegalArgumentException("\"locked\" must hold key names as strings, not " + k);
            }
            String key = k.asText();
            boolean server = key.startsWith("servers.") && servers.containsKey(key.substring("servers.".length()));
            if (!LOCKABLE.contains(key) && !server) {
                throw new IllegalArgumentException("\"locked\" names '" + key + "', which is not one of " + LOCKABLE
                        + " or servers.NAME of a server this policy defines");
            }
            if (!server && !defines(key, idp, servers, dpop, storage, agent)) {
                throw new IllegalArgumentException("\"locked\" names '" + key + "', which this policy does not set: set it"
                        + " too (a lock of nothing would leave the person unable to set it)");
            }
            locked.add(key);
        }
        return new ManagedPolicy(where, idp, servers, dpop, storage, agent, locked);
    }

    /** The boolean top-level {@code key}, or null when absent. */
    private static Boolean flag(JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n != null && !n.isBoolean()) {
            throw new IllegalArgumentException("\"" + key + "\" must be true or false, not " + n);
        }
        return n == null ? null : n.asBoolean();
    }

    /** Whether the policy gives a value for the lockable {@code key}: {@code idp} needs at least one IdP field. */
    private static boolean defines(String key, IdpSettings idp, Map<String, ServerEntry> servers, Boolean dpop,
                                   SessionStorage storage, Boolean agent) {
        return switch (key) {
            case "idp" -> idp != null && (idp.issuer() != null || idp.clientId() != null || idp.authMethod() != null);
            case "idp.issuer" -> idp != null && idp.issuer() != null;
            case "idp.clientId" -> idp != null && idp.clientId() != null;
            case "idp.authMethod" -> idp != null && idp.authMethod() != null;
            case "servers" -> !servers.isEmpty();
            case "dpop" -> dpop != null;
            case "sessionStorage" -> storage != null;
            case "agent" -> agent != null;
            default -> true; // a key added to LOCKABLE later: its own check goes here
        };
    }

    /** Every key of {@code node} holds a string, but {@code scopes}: an array of strings. */
    private static void strings(JsonNode node, String prefix) {
        node.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            boolean ok = "scopes".equals(e.getKey())
                    ? v.isArray() && java.util.stream.StreamSupport.stream(v.spliterator(), false).allMatch(JsonNode::isTextual)
                    : v.isTextual();
            if (!ok) {
                throw new IllegalArgumentException("\"" + prefix + e.getKey() + "\" must be "
                        + ("scopes".equals(e.getKey()) ? "an array of strings, e.g. [\"notes:read\"]" : "a string") + ", not " + v);
            }
        });
    }

    /** Whether {@code key} ({@code idp.issuer}, {@code servers.NAME}, {@code dpop}, …) is locked by {@code locked}. */
    public static boolean locks(Set<String> locked, String key) {
        int dot = key.indexOf('.');
        return locked.contains(key) || dot > 0 && locked.contains(key.substring(0, dot));
    }

    /** {@link #locks(Set, String)} for this policy. */
    public boolean locks(String key) {
        return locks(locked, key);
    }

    private static void known(JsonNode node, Set<String> keys, String prefix) {
        node.fieldNames().forEachRemaining(k -> {
            if (!keys.contains(k)) {
                throw new IllegalArgumentException("unknown key \"" + prefix + k + "\" (known: " + new java.util.TreeSet<>(keys) + ")");
            }
        });
    }

    private static JsonNode object(JsonNode node, String what) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("\"" + what + "\" must be a JSON object");
        }
        return node;
    }
}
