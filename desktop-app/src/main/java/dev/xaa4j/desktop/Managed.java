package dev.xaa4j.desktop;

import dev.xaa4j.connector.host.config.EffectiveConfig;
import dev.xaa4j.connector.host.config.SettingSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the organization's policy file fixes, for the window (docs/admin.md "Merge rules"): whether the IdP settings
 * are locked, where each server came from, and which servers a person cannot remove or change here. Built from
 * {@link EffectiveConfig}; no JavaFX, immutable.
 *
 * @param policyOrigin  where the policy in use was read (a file, registry key or managed preferences), if there is one
 * @param idpLocked     whether the policy locks any IdP setting (issuer, client id or auth method)
 * @param sources       where each configured server came from, in configuration order
 * @param lockedServers the servers whose settings the policy locks
 */
record Managed(Optional<String> policyOrigin, boolean idpLocked, Map<String, SettingSource> sources,
               Set<String> lockedServers) {

    /** The words next to every setting the policy fixes. */
    static final String LABEL = "Managed by your organization";

    Managed {
        sources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(sources));
        lockedServers = Set.copyOf(lockedServers);
    }

    /** No policy: every setting is the person's. */
    static Managed none() {
        return new Managed(Optional.empty(), false, Map.of(), Set.of());
    }

    /** The policy's fixed settings in {@code e}; a malformed policy ({@link EffectiveConfig#policyError()}) fixes nothing here. */
    static Managed of(EffectiveConfig e) {
        if (e.policyOrigin().isEmpty() || e.policyError().isPresent()) {
            return new Managed(Optional.empty(), false, e.serverSources(), Set.of());
        }
        boolean idp = List.of("idp.issuer", "idp.clientId", "idp.authMethod").stream().anyMatch(e::isLocked);
        Set<String> locked = e.serverSources().keySet().stream()
                .filter(s -> e.serverSources().get(s) == SettingSource.POLICY && e.isLocked("servers." + s))
                .collect(java.util.stream.Collectors.toSet());
        return new Managed(e.policyOrigin(), idp, e.serverSources(), locked);
    }

    /** Whether a policy is in use. */
    boolean present() {
        return policyOrigin.isPresent();
    }

    /** The servers the organization's policy lists (locked or not), in configuration order. */
    List<String> organizationServers() {
        return sources.entrySet().stream().filter(x -> x.getValue() == SettingSource.POLICY).map(Map.Entry::getKey).toList();
    }

    /** "Your organization", "You", "Environment" (an {@code XAA_SERVER_*} variable), or "" for an unknown server. */
    String origin(String server) {
        SettingSource s = sources.get(server);
        if (s == null) {
            return "";
        }
        return switch (s) {
            case POLICY -> lockedServers.contains(server) ? "Your organization (locked)" : "Your organization";
            case USER -> "You";
            case ENV -> "Environment";
            case DEFAULT -> ""; // no server comes from a built-in default
        };
    }

    /** Whether the window may remove {@code server}: not a server of the organization's list (docs/admin.md rule 3). */
    boolean removable(String server) {
        return sources.get(server) != SettingSource.POLICY;
    }

    /** Why {@code server} cannot be removed or changed here, for the row actions; empty when it can. */
    Optional<String> whyFixed(String server) {
        SettingSource s = sources.get(server);
        if (s == SettingSource.POLICY) {
            return Optional.of(LABEL + ": \"" + server + "\" is on your organization's list and cannot be removed or"
                    + " changed here. Ask your IT department to change it.");
        }
        return Optional.empty();
    }
}
