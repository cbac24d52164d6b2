package dev.xaa4j.connector.host.config;

/**
 * A change of a setting the machine-wide policy locks (docs/admin.md): the message says it is "managed by your
 * organization", names the policy file, and tells the person to ask their IT department.
 */
public final class ManagedSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ManagedSettingException(String message) {
        super(message);
    }
}
