package dev.xaa4j.sample.oauth;

import dev.xaa4j.sample.audit.AuditLog;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The hostile behaviour the plain-OAuth side of the sample issuer shows, for clients' negative tests (issue 11
 * item 8): one fault at a time, switched at run time through {@code POST /admin/oauth-faults} on the IdP port.
 * Switching and every response a fault changes are audit-logged as {@code oauth-fault}, so a test can see that
 * the fault was served and then that no {@code oauth-token} request followed. Thread-safe (one atomic reference).
 */
public final class OAuthFaults {

    /** A fault; {@link #word()} is its name in the admin API. */
    public enum Fault {
        /** Normal behaviour. */
        NONE,
        /** The wiki's RFC 9728 metadata names another server's URL as {@code resource} (RFC 9728 §3.3). */
        RESOURCE_MISMATCH,
        /** The plain AS's RFC 8414 metadata carries another {@code issuer} (RFC 8414 §3.3). */
        ISSUER_MISMATCH,
        /** The authorization response lacks {@code iss} although the metadata advertises it (RFC 9207 §2). */
        ISS_MISSING,
        /** The authorization response's {@code iss} names another issuer. */
        ISS_WRONG,
        /** The authorization response's {@code iss} is the issuer plus {@code /} (no normalization allowed). */
        ISS_TRAILING_SLASH,
        /** The wiki's metadata names the second plain AS ({@code {asBase}/oauth2}); the wiki accepts only its tokens. */
        AS_MIGRATION,
        /** The wiki answers every request that carries a valid token with 403 {@code insufficient_scope}. */
        INSUFFICIENT_SCOPE_LOOP;

        public String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final AtomicReference<Fault> current = new AtomicReference<>(Fault.NONE);
    private final AuditLog audit;

    public OAuthFaults(AuditLog audit) {
        this.audit = audit;
    }

    public Fault current() {
        return current.get();
    }

    public boolean is(Fault f) {
        return current.get() == f;
    }

    /**
     * Switches to the fault named {@code word} ({@code reset} and {@code none} switch faults off).
     *
     * @throws IllegalArgumentException naming the known words when {@code word} is none of them
     */
    public void set(String word) {
        Fault next = word == null ? null : word.equals("reset") ? Fault.NONE : Arrays.stream(Fault.values())
                .filter(f -> f.word().equals(word)).findFirst().orElse(null);
        if (next == null) {
            throw new IllegalArgumentException("unknown OAuth fault " + (word == null ? "(missing)" : "'" + word + "'")
                    + "; known: reset, " + String.join(", ", Arrays.stream(Fault.values()).map(Fault::word).toList()));
        }
        Fault previous = current.getAndSet(next);
        audit.record("oauth-fault", null, null, null, null, null, null, "switch",
                previous.word() + " -> " + next.word());
    }

    /** Audit-logs that fault {@code f} changed a response, {@code what} saying how (no secrets). */
    public void served(Fault f, String resource, String what) {
        audit.record("oauth-fault", null, null, null, resource, null, null, f.word(), what);
    }

    /** {@code {"fault": word, "known": [...]}} for the admin API. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fault", current.get().word());
        out.put("known", Arrays.stream(Fault.values()).map(Fault::word).toList());
        return out;
    }
}
