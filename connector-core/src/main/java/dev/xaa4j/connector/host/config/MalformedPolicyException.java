package dev.xaa4j.connector.host.config;

/**
 * A policy that exists but cannot be used (docs/admin.md "A malformed policy: fail closed"): the message names the
 * place ({@link #where()}), the fault, and says to ask the IT department; nothing is built from the configuration.
 */
public final class MalformedPolicyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String where;

    MalformedPolicyException(String where, String fault) {
        super(where + ": " + fault + "; xaa will not start with it: ask your IT department to fix it");
        this.where = where;
    }

    /** The place of the policy, as {@link PolicyStore#where()} words it. */
    public String where() {
        return where;
    }
}
