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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

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
 *
 * <p>The organization's machine-wide policy file ({@link ManagedPolicy}, docs/admin.md) is merged in by
 * {@link #load()} and {@link #effective()}: its servers come first, its locked keys win over the file and the
 * environment, its unlocked values are defaults. Writes of a locked key throw {@link ManagedSettingException} and
 * write nothing. Policy values are never copied into this file. Instances are immutable; each call reads the
 * files anew, and concurrent writers are last-writer-wins (each write is atomic).
 */
public final class ConfigStore {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConfigStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);

    private final Path file;
    private final Map<String, String> env;
    private final PolicyStore policy;

    /**
     * The store of {@code file} with the policy of this platform ({@link PolicyStore#forPlatform}: {@code XAA_POLICY},
     * else the Windows registry or macOS managed preferences, else the platform's policy file).
     */
    public ConfigStore(Path file, Map<String, String> env) {
        this(file, env, PolicyStore.forPlatform(env, System.getProperty("os.name", ""), System.getProperty("user.name", ""),
                PlatformTool.system()));
    }

    /** The store of {@code file} with the machine-wide policy file {@code policyFile} (which need not exist). */
    public ConfigStore(Path file, Map<String, String> env, Path policyFile) {
        this(file, env, PolicyStore.file(policyFile));
    }

    /** The store of {@code file} with the machine-wide policy of {@code policy}. */
    public ConfigStore(Path file, Map<String, String> env, PolicyStore policy) {
        this.file = file;
        this.env = Map.copyOf(env);
        this.policy = java.util.Objects.requireNonNull(policy, "policy");
    }

    /** The current user's store, honouring {@code XAA_CONFIG} and the other overrides. */
    public static ConfigStore forCurrentUser() {
        return new ConfigStore(ConfigPaths.configFile(), System.getenv());
    }

    public Path file() {
        return file;
    }

    /**
     * The user's file merged with the machine-wide policy ({@link ManagedPolicy}) and environment overrides by the
     * rules of docs/admin.md; a missing file is an empty configuration.
     *
     * @throws IllegalArgumentException the policy file exists but is malformed (fail closed: nothing is built
     *                                  from a configuration whose locks cannot be known; the message names the
     *                                  file and the fault), or a value of the user's file or environment is
     * @throws IllegalStateException    the user's file cannot be read or is not a JSON object
     */
    public XaaConfig load() {
        return loadEffective().config();
    }

    /**
     * {@link #load()} with where each setting came from: what a session owner applies, so it can tell which servers
     * the policy provides ({@link EffectiveConfig#policyServers()}).
     *
     * @throws MalformedPolicyException the policy exists but is malformed (an {@link IllegalArgumentException})
     * @throws IllegalArgumentException as {@link #load()}
     * @throws IllegalStateException    as {@link #load()}
     */
    public EffectiveConfig loadEffective() {
        EffectiveConfig effective = effective();
        effective.policyError().ifPresent(e -> {
            throw MalformedPolicyException.again(effective.policyOrigin().orElse(policy.where()), e);
        });
        effective.warnings().forEach(w -> LOG.warn("{}", w));
        return effective;
    }

    /**
     * {@link #load()} with where each setting came from. A malformed policy file does not throw here: the result
     * is then the user's own configuration with {@link EffectiveConfig#policyError()} set, for {@code xaa status}
     * and {@code xaa doctor} to show.
     */
    public EffectiveConfig effective() {
        ObjectNode root = readTree();
        Optional<ManagedPolicy> read;
        Optional<MalformedPolicyException> policyError = Optional.empty();
        try {
            read = policy.read();
        } catch (MalformedPolicyException e) {
            read = Optional.empty();
            policyError = Optional.of(e);
        }
        return ConfigMerge.merge(file, root, env, read, policyError);
    }

    /**
     * When {@code XAA_POLICY} names the policy, where this machine's own policy is if one is there (it is then not
     * read: {@code XAA_POLICY} is for tests and packaging, not a security boundary; docs/admin.md), for
     * {@code xaa doctor} to say so; else empty. Reads the platform's places (a process on Windows and macOS).
     */
    public Optional<String> machinePolicyNotRead() {
        String explicit = env.get("XAA_POLICY");
        if (explicit == null || explicit.isBlank()) {
            return Optional.empty();
        }
        Map<String, String> without = new java.util.HashMap<>(env);
        without.remove("XAA_POLICY");
        return machinePolicy(PolicyStore.forPlatform(without, System.getProperty("os.name", ""),
                System.getProperty("user.name", ""), PlatformTool.system()));
    }

    /** Where {@code machine} holds a policy (a malformed one too), if it does. */
    static Optional<String> machinePolicy(PolicyStore machine) {
        try {
            return machine.read().map(ManagedPolicy::origin);
        } catch (MalformedPolicyException e) {
            return Optional.of(e.where());
        }
    }

    /** Where this store reads the policy ({@link PolicyStore#forPlatform}); it need not hold one. */
    public PolicyStore policy() {
        return policy;
    }

    /**
     * Sets the top-level {@code "sessionStorage"} ({@link SessionStorage#KEYRING} removes it: the default).
     *
     * @throws ManagedSettingException  the organization's policy locks it (docs/admin.md "Merge rules"); nothing is written
     * @throws MalformedPolicyException the policy is malformed: no write at all (fail closed)
     */
    public void putSessionStorage(SessionStorage storage) {
        requireSessionStorage(storage);
        ObjectNode root = readTree();
        setOrRemove(root, "sessionStorage", storage == SessionStorage.KEYRING ? null : storage.wireName());
        write(root);
    }

    /**
     * Sets the top-level {@code "agent"}: whether commands start {@code xaa agent} on demand (written either way: an
     * unlocked policy value is only a default, which the user's {@code true} overrides).
     *
     * @throws ManagedSettingException the policy locks {@code agent}; nothing is written
     */
    public void putAgent(boolean onDemand) {
        refuseLocked("agent", "starting the agent on demand", null); // locked: refused either way
        ObjectNode root = readTree();
        root.put("agent", onDemand);
        write(root);
    }

    /**
     * Adds or replaces {@code name}; keeps every other key of the file.
     *
     * @throws ManagedSettingException  the organization's policy locks the server {@code name} (docs/admin.md "Merge rules"); nothing is written
     * @throws MalformedPolicyException the policy is malformed: no write at all (fail closed)
     * @throws IllegalArgumentException a bad name, URL, flow or jwt-bearer word
     */
    public void putServer(String name, ServerEntry entry) {
        validate(name, entry);
        refuseLockedServer(name, entry.url()); // nor a locked server again under another name, without its pinning
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

    /**
     * Removes {@code name}; returns whether it existed.
     *
     * @throws ManagedSettingException  the organization's policy locks the server {@code name} (docs/admin.md "Merge rules"); nothing is written
     * @throws MalformedPolicyException the policy is malformed: no write at all (fail closed)
     */
    public boolean removeServer(String name) {
        refuseLockedServer(name);
        ObjectNode root = readTree();
        JsonNode servers = root.path("servers");
        if (!servers.isObject() || !servers.has(name)) {
            Optional<ManagedPolicy> managedBy = policy.read();
            if (managedBy.isPresent() && managedBy.get().servers().containsKey(name)) {
                throw managed("the server '" + name + "'", managedBy.get());
            }
            return false;
        }
        ((ObjectNode) servers).remove(name);
        write(root);
        return true;
    }

    /**
     * Sets the IdP; null fields leave the current value. A locked field may be given with the policy's own value.
     *
     * @throws ManagedSettingException  the organization's policy locks a field given with another value (docs/admin.md "Merge rules"); nothing is written
     * @throws MalformedPolicyException the policy is malformed: no write at all (fail closed)
     * @throws IllegalArgumentException the issuer is not an http(s) URL
     */
    public void putIdp(IdpSettings idp) {
        if (idp.issuer() != null) {
            validateUrl(idp.issuer());
        }
        if (idp.issuer() != null) {
            refuseLocked("idp.issuer", "the IdP issuer", idp.issuer());
        }
        if (idp.clientId() != null) {
            refuseLocked("idp.clientId", "the IdP client id", idp.clientId());
        }
        if (idp.authMethod() != null) {
            refuseLocked("idp.authMethod", "the IdP auth method", idp.authMethod());
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

    /**
     * Refuses a session storage a command-line flag asks for ({@code xaa agent --memory},
     * {@code xaa-desktop --memory-session}) when the policy locks another one: flags may not override a locked key
     * either (docs/admin.md "Merge rules").
     *
     * @throws ManagedSettingException the policy locks {@code sessionStorage} to another value, naming the policy
     * @throws MalformedPolicyException the policy is malformed
     */
    public void requireSessionStorage(SessionStorage wanted) {
        Optional<ManagedPolicy> managedBy = policy.read();
        if (managedBy.isPresent() && managedBy.get().locks("sessionStorage") && managedBy.get().sessionStorage() != wanted) {
            throw managed("the session storage", managedBy.get());
        }
    }

    /**
     * Refuses a write of {@code key} the policy locks, unless {@code value} is the policy's own (so
     * {@code xaa idp} may repeat a locked issuer while it changes an unlocked field). A malformed policy refuses
     * every write (fail closed).
     *
     * @throws ManagedSettingException the key is locked to another value, naming the policy file
     * @throws MalformedPolicyException the policy is malformed
     */
    private void refuseLocked(String key, String what, String value) {
        Optional<ManagedPolicy> managedBy = policy.read();
        if (managedBy.isPresent() && managedBy.get().locks(key)) {
            IdpSettings theirs = managedBy.get().idp();
            String policyValue = theirs == null ? null : switch (key) {
                case "idp.issuer" -> theirs.issuer();
                case "idp.clientId" -> theirs.clientId();
                case "idp.authMethod" -> theirs.authMethod();
                default -> null;
            };
            if (value == null || !value.equals(policyValue)) {
                throw managed(what, managedBy.get());
            }
        }
    }

    private void refuseLockedServer(String name) {
        refuseLockedServer(name, null);
    }

    /** Also refuses {@code url} (when given) under another name than a locked policy server's with that URL. */
    private void refuseLockedServer(String name, String url) {
        Optional<ManagedPolicy> managedBy = policy.read();
        if (managedBy.isPresent() && managedBy.get().servers().containsKey(name) && managedBy.get().locks("servers." + name)) {
            throw managed("the server '" + name + "'", managedBy.get());
        }
        managedBy.ifPresent(p -> p.servers().forEach((theirs, entry) -> {
            if (url != null && !theirs.equals(name) && p.locks("servers." + theirs) && sameUrl(url, entry.url())) {
                throw managed("the server at " + url + " (your organization's '" + theirs + "', which you can use as it is)", p);
            }
        }));
    }

    private static boolean sameUrl(String a, String b) {
        return a.replaceAll("/+$", "").equalsIgnoreCase(b.replaceAll("/+$", ""));
    }

    private static ManagedSettingException managed(String what, ManagedPolicy policy) {
        return new ManagedSettingException(what + " is managed by your organization (" + policy.origin()
                + "): ask your IT department to change it");
    }

    /** Refuses a server entry before anything is written: bad name, URL, flow or jwt-bearer words. */
    static void validate(String name, ServerEntry entry) {
        validateName(name);
        validateUrl(entry.url());
        entry.authMode(); // an unknown flow word is refused before anything is written
        entry.jwtBearerScopeChoice();
        entry.jwtBearerResourceSent();
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

    /** The IdP of a config or policy file's {@code "idp"} object. */
    static IdpSettings idp(JsonNode n) {
        return new IdpSettings(text(n, "issuer"), text(n, "clientId"), text(n, "authMethod"));
    }

    /** One entry of a config or policy file's {@code "servers"} object. */
    static ServerEntry server(JsonNode n) {
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
