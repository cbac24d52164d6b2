package dev.xaa4j.connector.host.config;

import java.util.Locale;

/**
 * Where an effective setting came from (docs/admin.md "Provenance"): the machine-wide policy file of the
 * organization, the user's config file, an {@code XAA_*} environment override, or the built-in default.
 */
public enum SettingSource {
    POLICY, USER, ENV, DEFAULT;

    /** The word {@code xaa status --json} prints: {@code policy}, {@code user}, {@code env} or {@code default}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
