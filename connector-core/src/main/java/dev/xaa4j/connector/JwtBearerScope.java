package dev.xaa4j.connector;

/**
 * What the jwt-bearer request at a server's authorization server (docs/protocol.md §1 step 3, RFC 7523 §2.1)
 * carries as {@code scope}. Authorization servers disagree: Keycloak grants optional client scopes only when they
 * are asked for, some custom authorization servers reject any {@code scope} next to an ID-JAG.
 */
public enum JwtBearerScope {
    /** The scope the IdP granted in the ID-JAG (the exchange response's {@code scope}); none when it granted none. The default. */
    INHERIT,
    /** The scopes this connector asks for ({@link ServerConfig#scopes()} plus any step-up scopes). */
    SEND,
    /** No {@code scope} parameter: the authorization server takes the ID-JAG's. */
    OMIT;

    /** The configuration word: {@code inherit}, {@code send}, {@code omit}. */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The choice named by a configuration word (case-insensitive).
     *
     * @throws IllegalArgumentException for any other word; the message lists the accepted ones
     */
    public static JwtBearerScope of(String word) {
        for (JwtBearerScope s : values()) {
            if (s.word().equalsIgnoreCase(word == null ? "" : word.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("Unknown jwt-bearer scope choice '" + word + "': use inherit, send or omit");
    }
}
