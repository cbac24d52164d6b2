package dev.xaa4j.connector.host.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where the session owner keeps the IdP session (ID token, refresh token) and the client secrets: the OS
 * keyring (the default; every process of the user can use it), or only the memory of the session owner
 * ({@code xaa agent --memory} or the tray app), for machines without a Secret Service. In memory mode nothing
 * secret is written anywhere and the session ends with the process; other processes get tokens through the
 * broker. Immutable.
 */
public enum SessionStorage {
    /** The OS keyring (Secret Service, Keychain, Credential Manager). */
    KEYRING("keyring"),
    /** Only the memory of the session owner, which serves tokens over the broker socket. */
    MEMORY("memory");

    private final String wireName;

    SessionStorage(String wireName) {
        this.wireName = wireName;
    }

    /** The value in {@code config.json} ({@code "sessionStorage"}) and on the broker's wire. */
    public String wireName() {
        return wireName;
    }

    /**
     * The storage named {@code value} (case-insensitive); {@code null} or blank is {@link #KEYRING}.
     *
     * @throws IllegalArgumentException another value, with the accepted ones
     */
    public static SessionStorage parse(String value) {
        if (value == null || value.isBlank()) {
            return KEYRING;
        }
        for (SessionStorage s : values()) {
            if (s.wireName.equals(value.trim().toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown session storage '" + value + "': "
                + Arrays.stream(values()).map(SessionStorage::wireName).collect(Collectors.joining(" or ")));
    }
}
