package dev.xaa4j.connector.host.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The effective configuration with where each setting came from (docs/admin.md): the policy, the user's
 * config file and the environment merged by the rules of docs/admin.md "Merge rules". Immutable.
 *
 * @param config      the merged configuration; when {@code policyError} is present it is the user's own
 *                    configuration without the policy (shown by {@code xaa status}, never used to build a connector)
 * @param idpSources  the source of each IdP field: keys {@code issuer}, {@code clientId}, {@code authMethod}
 * @param serverSources the source of each server of {@code config}, by name
 * @param sources     the source of the top-level settings {@code dpop}, {@code sessionStorage} and {@code agent}
 * @param locked      the locked keys of the policy ({@link ManagedPolicy#LOCKABLE}); empty without a policy
 * @param warnings    one sentence per user or environment value ignored because the policy locks it
 * @param policyOrigin where the policy was read ({@link PolicyStore#where()}: {@code policy file …},
 *                    {@code registry key …}, {@code managed preferences …}), if one exists (also when malformed)
 * @param policyError why the policy could not be used (naming the place and the fault), if so
 */
public record EffectiveConfig(XaaConfig config, Map<String, SettingSource> idpSources,
                              Map<String, SettingSource> serverSources, Map<String, SettingSource> sources,
                              Set<String> locked, List<String> warnings, Optional<String> policyOrigin,
                              Optional<String> policyError) {

    public EffectiveConfig {
        idpSources = Map.copyOf(idpSources);
        serverSources = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(serverSources));
        sources = Map.copyOf(sources);
        locked = Set.copyOf(locked);
        warnings = List.copyOf(warnings);
    }

    /** The servers of {@link #config()} the organization's policy provides (source {@link SettingSource#POLICY}), in order. */
    public List<String> policyServers() {
        return serverSources.entrySet().stream().filter(e -> e.getValue() == SettingSource.POLICY).map(Map.Entry::getKey).toList();
    }

    /** Whether a server's settings or the IdP field {@code key} ({@code idp.issuer}, {@code servers.NAME}, …) is locked. */
    public boolean isLocked(String key) {
        return ManagedPolicy.locks(locked, key);
    }
}
