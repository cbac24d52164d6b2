package dev.xaa4j.connector.host.config;

/**
 * A policy that exists but cannot be used (docs/admin.md "A malformed policy: fail closed"): the message names the
 * place ({@link #where()}), the fault, and says to ask the IT department; nothing is built from the configuration.
 */
public final class MalformedPolicyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String where;

    MalformedPolicyException(String where, String fault) {
        this(where, where + ": " + fault + "; xaa will not start with it: ask your IT department to fix it", true);
    }

    private MalformedPolicyException(String where, String message, boolean whole) {
        super(message);
        this.where = where;
    }

    /** The exception again from its place and whole {@code message} (as {@link EffectiveConfig#policyError()} keeps it). */
    static MalformedPolicyException again(String where, String message) {
        return new MalformedPolicyException(where, message, true);
    }

    /** The place of the policy, as {@link PolicyStore#where()} words it. */
    public String where() {
        return where;
    }
}
