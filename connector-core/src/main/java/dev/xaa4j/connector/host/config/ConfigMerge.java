package dev.xaa4j.connector.host.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The merge rules of docs/admin.md: policy servers plus the user's; a locked key keeps the policy's value and a
 * user or environment value for it is ignored with a warning; an unlocked key is environment, else user, else
 * policy, else the default. A user server of the same name as an unlocked policy server replaces it whole.
 * Stateless.
 */
final class ConfigMerge {

    private static final String[] IDP_FIELDS = {"issuer", "clientId", "authMethod"};
    private static final Map<String, String> IDP_ENV = Map.of("issuer", "XAA_IDP_ISSUER", "clientId", "XAA_IDP_CLIENT_ID",
            "authMethod", "XAA_IDP_AUTH_METHOD");

    private ConfigMerge() {
    }

    static EffectiveConfig merge(Path userFile, JsonNode root, Map<String, String> env, Optional<ManagedPolicy> policy,
                                 Optional<MalformedPolicyException> policyError) {
        List<String> warnings = new ArrayList<>();
        Set<String> locked = policy.map(ManagedPolicy::locked).orElse(Set.of());
        String managed = policy.map(p -> ": managed by your organization (" + p.origin() + ")").orElse("");

        IdpSettings userIdp = root.path("idp").isObject() ? ConfigStore.idp(root.get("idp")) : null;
        IdpSettings policyIdp = policy.map(ManagedPolicy::idp).orElse(null);
        Map<String, String> idpValues = new LinkedHashMap<>();
        Map<String, SettingSource> idpSources = new LinkedHashMap<>();
        for (String f : IDP_FIELDS) {
            String pv = field(policyIdp, f);
            String uv = field(userIdp, f);
            String ev = blankToNull(env.get(IDP_ENV.get(f)));
            if (ManagedPolicy.locks(locked, "idp." + f)) {
                ignored(uv, pv, "the config file's idp." + f + managed, warnings);
                ignored(ev, pv, IDP_ENV.get(f) + managed, warnings);
                idpValues.put(f, pv);
                idpSources.put(f, SettingSource.POLICY);
            } else {
                idpValues.put(f, ev != null ? ev : uv != null ? uv : pv);
                idpSources.put(f, ev != null ? SettingSource.ENV : uv != null ? SettingSource.USER
                        : pv != null ? SettingSource.POLICY : SettingSource.DEFAULT);
            }
        }
        IdpSettings idp = idpValues.values().stream().allMatch(v -> v == null) ? null
                : new IdpSettings(idpValues.get("issuer"), idpValues.get("clientId"), idpValues.get("authMethod"));

        Map<String, ServerEntry> servers = new LinkedHashMap<>();
        Map<String, SettingSource> serverSources = new LinkedHashMap<>();
        Map<String, ServerEntry> policyServers = policy.map(ManagedPolicy::servers).orElse(Map.of());
        policyServers.forEach((name, e) -> {
            servers.put(name, e);
            serverSources.put(name, SettingSource.POLICY);
        });
        Function<String, Boolean> serverLocked = name -> policyServers.containsKey(name)
                && ManagedPolicy.locks(locked, "servers." + name);
        root.path("servers").fields().forEachRemaining(e -> {
            if (serverLocked.apply(e.getKey())) {
                warnings.add("the config file's server '" + e.getKey() + "' is ignored" + managed);
            } else {
                servers.put(e.getKey(), ConfigStore.server(e.getValue()));
                serverSources.put(e.getKey(), SettingSource.USER);
            }
        });
        env.forEach((k, v) -> {
            String name = envServerName(k, "XAA_SERVER_", v);
            if (name == null) {
                return;
            }
            if (serverLocked.apply(name)) {
                warnings.add(k + " is ignored" + managed);
                return;
            }
            ServerEntry old = servers.get(name);
            servers.put(name, old == null ? new ServerEntry(v, null, List.of(), null)
                    : new ServerEntry(v, old.pinnedAsIssuer(), old.scopes(), old.asClientId(), old.auth(),
                            old.jwtBearerScope(), old.workloadToken(), old.jwtBearerResource()));
            serverSources.put(name, SettingSource.ENV);
        });
        env.forEach((k, v) -> { // XAA_AUTH_<NAME>=auto|ema|oauth|none: the flow of a configured server
            String name = envServerName(k, "XAA_AUTH_", v);
            ServerEntry old = name == null ? null : servers.get(name);
            if (old == null) {
                return;
            }
            if (serverLocked.apply(name)) {
                warnings.add(k + " is ignored" + managed);
                return;
            }
            try {
                servers.put(name, old.withAuth(dev.xaa4j.connector.AuthMode.of(v)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(k + ": " + e.getMessage(), e);
            }
            serverSources.put(name, SettingSource.ENV);
        });

        Map<String, SettingSource> sources = new LinkedHashMap<>();
        boolean dpop = flag("dpop", userFile, root, policy.map(ManagedPolicy::dpop).orElse(null), locked, managed,
                warnings, sources);
        boolean agent = flag("agent", userFile, root, policy.map(ManagedPolicy::agent).orElse(null), locked, managed,
                warnings, sources);
        SessionStorage envStorage = parseStorage(env.get("XAA_SESSION_STORAGE"));
        SessionStorage userStorage = parseStorage(root.path("sessionStorage").isTextual() ? root.get("sessionStorage").asText() : null);
        SessionStorage policyStorage = policy.map(ManagedPolicy::sessionStorage).orElse(null);
        SessionStorage storage;
        if (ManagedPolicy.locks(locked, "sessionStorage")) {
            ignored(userStorage, policyStorage, "the config file's sessionStorage" + managed, warnings);
            ignored(envStorage, policyStorage, "XAA_SESSION_STORAGE" + managed, warnings);
            storage = policyStorage;
            sources.put("sessionStorage", SettingSource.POLICY);
        } else {
            storage = envStorage != null ? envStorage : userStorage != null ? userStorage : policyStorage;
            sources.put("sessionStorage", envStorage != null ? SettingSource.ENV : userStorage != null ? SettingSource.USER
                    : policyStorage != null ? SettingSource.POLICY : SettingSource.DEFAULT);
        }
        return new EffectiveConfig(new XaaConfig(idp, servers, storage, dpop, agent), idpSources, serverSources, sources,
                locked, warnings, policy.map(ManagedPolicy::origin).or(() -> policyError.map(MalformedPolicyException::where)),
                policyError.map(MalformedPolicyException::getMessage));
    }

    /** A value the policy locks, set otherwise: a warning (a value equal to the policy's changes nothing). */
    /**
     * The top-level boolean {@code key} (default true): the policy's when it locks it, else the user's file's, else
     * the policy's; its source goes to {@code sources}.
     */
    private static boolean flag(String key, Path userFile, JsonNode root, Boolean policyValue, Set<String> locked,
                                String managed, List<String> warnings, Map<String, SettingSource> sources) {
        JsonNode node = root.path(key);
        if (!node.isMissingNode() && !node.isNull() && !node.isBoolean()) {
            throw new IllegalArgumentException(userFile + ": \"" + key + "\" must be true or false, not " + node);
        }
        Boolean userValue = node.isBoolean() ? node.asBoolean() : null;
        if (ManagedPolicy.locks(locked, key)) {
            ignored(userValue, policyValue, "the config file's " + key + managed, warnings);
            sources.put(key, SettingSource.POLICY);
            return policyValue == null || policyValue;
        }
        sources.put(key, userValue != null ? SettingSource.USER : policyValue != null ? SettingSource.POLICY
                : SettingSource.DEFAULT);
        return userValue != null ? userValue : policyValue == null || policyValue;
    }

    private static void ignored(Object value, Object policyValue, String what, List<String> warnings) {
        if (value != null && !value.equals(policyValue)) {
            warnings.add(what.replaceFirst(": managed", " is ignored: managed"));
        }
    }

    private static String envServerName(String key, String prefix, String value) {
        if (!key.startsWith(prefix) || key.length() == prefix.length() || value.isBlank()) {
            return null;
        }
        return key.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static SessionStorage parseStorage(String value) {
        return value == null || value.isBlank() ? null : SessionStorage.parse(value);
    }

    private static String field(IdpSettings idp, String f) {
        if (idp == null) {
            return null;
        }
        return switch (f) {
            case "issuer" -> idp.issuer();
            case "clientId" -> idp.clientId();
            default -> idp.authMethod();
        };
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
