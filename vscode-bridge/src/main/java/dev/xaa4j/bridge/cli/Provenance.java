package dev.xaa4j.bridge.cli;

import dev.xaa4j.connector.host.config.EffectiveConfig;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.SettingSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where each setting came from, as {@code xaa status} prints it (docs/admin.md "Provenance"): per IdP field and
 * per server a {@code "source"} ({@code policy}, {@code user}, {@code env} or {@code default}) and whether the
 * organization's policy locks it. No value printed here is a secret (the config holds none). Stateless.
 */
final class Provenance {

    private Provenance() {
    }

    /** The source of what only the running session owner knows (a server from its environment, its session storage). */
    static final String AGENT = "agent";

    /**
     * Adds {@code "idp"}, {@code "settings"} and {@code "policy"} to {@code doc}, and source and lock to each of its
     * servers. {@code sessionStorage} is the storage in force (the running session owner's, else this configuration's):
     * when it is not this configuration's, its source is {@value #AGENT}, as for a server this configuration does not
     * name (the agent was started with other {@code XAA_SERVER_*}, or has not followed a change yet).
     */
    @SuppressWarnings("unchecked")
    static void addTo(Map<String, Object> doc, EffectiveConfig e, String sessionStorage) {
        IdpSettings idp = e.config().idp();
        Map<String, Function<IdpSettings, String>> fields = new LinkedHashMap<>();
        fields.put("issuer", IdpSettings::issuer);
        fields.put("clientId", IdpSettings::clientId);
        fields.put("authMethod", IdpSettings::authMethod);
        Map<String, Object> idpDoc = new LinkedHashMap<>();
        fields.forEach((f, get) -> idpDoc.put(f, setting(idp == null ? null : get.apply(idp), e.idpSources().get(f),
                e.isLocked("idp." + f))));
        doc.put("idp", idpDoc);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("dpop", setting(e.config().dpop(), e.sources().get("dpop"), e.isLocked("dpop")));
        Map<String, Object> storage = setting(sessionStorage, e.sources().get("sessionStorage"), e.isLocked("sessionStorage"));
        if (!sessionStorage.equals(e.config().sessionStorage().wireName())) {
            storage.put("source", AGENT);
        }
        settings.put("sessionStorage", storage);
        settings.put("agent", setting(e.config().agent() ? "on" : "off", e.sources().get("agent"), e.isLocked("agent")));
        doc.put("settings", settings);
        Object servers = doc.get("servers");
        if (servers instanceof Map<?, ?> m) {
            ((Map<String, Object>) m).forEach((name, v) -> {
                if (v instanceof Map<?, ?> server) {
                    SettingSource source = e.serverSources().get(name);
                    ((Map<String, Object>) server).put("source", source == null ? AGENT : source.word());
                    ((Map<String, Object>) server).put("locked", locked(e, name));
                }
            });
        }
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("present", e.policyOrigin().isPresent());
        e.policyOrigin().ifPresent(where -> policy.put("from", where));
        policy.put("locked", e.locked().stream().sorted().toList());
        policy.put("warnings", e.warnings());
        e.policyError().ifPresent(err -> policy.put("error", err));
        doc.put("policy", policy);
    }

    /**
     * The lines {@code xaa status} prints about the policy: where it was read and each setting it provides, marked
     * "managed by your organization" when locked; none without one. The servers are marked by {@link #note}.
     */
    static List<String> describe(EffectiveConfig e) {
        List<String> lines = new ArrayList<>();
        if (e.policyOrigin().isEmpty() || e.policyError().isPresent()) {
            return lines;
        }
        lines.add("policy: from " + e.policyOrigin().get() + (e.locked().isEmpty() ? " (defaults from your organization)"
                : " (your organization's settings; locked: " + String.join(", ", e.locked().stream().sorted().toList()) + ")"));
        IdpSettings idp = e.config().idp();
        Map<String, String> idpWords = Map.of("issuer", "IdP issuer", "clientId", "IdP client id", "authMethod", "IdP auth method");
        for (String f : List.of("issuer", "clientId", "authMethod")) {
            String value = idp == null ? null : f.equals("issuer") ? idp.issuer() : f.equals("clientId") ? idp.clientId() : idp.authMethod();
            if (value != null && e.idpSources().get(f) == SettingSource.POLICY) {
                lines.add("  " + idpWords.get(f) + ": " + value + mark(e.isLocked("idp." + f)));
            }
        }
        if (e.sources().get("dpop") == SettingSource.POLICY) {
            lines.add("  DPoP: " + (e.config().dpop() ? "on" : "off") + mark(e.isLocked("dpop")));
        }
        if (e.sources().get("sessionStorage") == SettingSource.POLICY) {
            lines.add("  session storage: " + e.config().sessionStorage().wireName() + mark(e.isLocked("sessionStorage")));
        }
        return lines;
    }

    /** What {@code xaa status} appends to a server's line: whether the organization provides and manages it. */
    static String note(EffectiveConfig e, String server) {
        if (e.serverSources().get(server) != SettingSource.POLICY) {
            return "";
        }
        return locked(e, server) ? ", managed by your organization" : ", from your organization";
    }

    private static String mark(boolean locked) {
        return locked ? " (managed by your organization)" : " (from your organization; you may change it)";
    }

    private static boolean locked(EffectiveConfig e, String server) {
        return e.serverSources().get(server) == SettingSource.POLICY && e.isLocked("servers." + server);
    }

    private static Map<String, Object> setting(Object value, SettingSource source, boolean locked) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (value != null) {
            m.put("value", value);
        }
        m.put("source", (source == null ? SettingSource.DEFAULT : source).word());
        m.put("locked", locked);
        return m;
    }
}
