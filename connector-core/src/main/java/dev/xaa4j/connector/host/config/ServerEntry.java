package dev.xaa4j.connector.host.config;

import java.util.List;

/**
 * One named MCP server.
 *
 * @param url            the Streamable HTTP endpoint (also the RFC 9728 resource identifier)
 * @param pinnedAsIssuer if set, the only authorization server accepted for it (else discovered); may be null
 * @param scopes         scopes to ask for; empty = the server's {@code scopes_supported}
 * @param asClientId     our client id at its authorization server; may be null (then the IdP client id for EMA, and
 *                       a Client ID Metadata Document or dynamic registration for plain OAuth). When set it is also the
 *                       pre-registered client of the plain OAuth flow
 * @param auth           the flow ({@code "auto"}, {@code "ema"}, {@code "oauth"}, {@code "none"},
 *                       {@code "client-credentials"}, {@code "workload"}); null = auto
 * @param jwtBearerScope what the EMA jwt-bearer request sends as {@code scope} ({@code "inherit"}, {@code "send"},
 *                       {@code "omit"}); null = inherit
 * @param workloadToken  where a {@code workload} server's JWT comes from ({@code file:PATH} or {@code command:…}); may be null
 * @param jwtBearerResource whether the EMA jwt-bearer request carries {@code resource} ({@code "send"},
 *                       {@code "omit"}); null = send
 */
public record ServerEntry(String url, String pinnedAsIssuer, List<String> scopes, String asClientId, String auth,
                          String jwtBearerScope, String workloadToken, String jwtBearerResource) {
    /** {@link #jwtBearerResource}: the jwt-bearer request carries {@code resource} (the default). */
    public static final String SEND = "send";
    /** {@link #jwtBearerResource}: the jwt-bearer request leaves {@code resource} off. */
    public static final String OMIT = "omit";

    public ServerEntry {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    /** An entry whose jwt-bearer request carries {@code resource} (the default). */
    public ServerEntry(String url, String pinnedAsIssuer, List<String> scopes, String asClientId, String auth,
                       String jwtBearerScope, String workloadToken) {
        this(url, pinnedAsIssuer, scopes, asClientId, auth, jwtBearerScope, workloadToken, null);
    }

    /** An entry with the default jwt-bearer scope and no workload token. */
    public ServerEntry(String url, String pinnedAsIssuer, List<String> scopes, String asClientId, String auth) {
        this(url, pinnedAsIssuer, scopes, asClientId, auth, null, null);
    }

    /** An entry whose flow is decided by discovery ({@code auto}). */
    public ServerEntry(String url, String pinnedAsIssuer, List<String> scopes, String asClientId) {
        this(url, pinnedAsIssuer, scopes, asClientId, null);
    }

    /** The configured flow ({@link dev.xaa4j.connector.AuthMode#AUTO} when unset). */
    public dev.xaa4j.connector.AuthMode authMode() {
        return auth == null ? dev.xaa4j.connector.AuthMode.AUTO : dev.xaa4j.connector.AuthMode.of(auth);
    }

    /** This entry with {@code mode} ({@link dev.xaa4j.connector.AuthMode#AUTO} is stored as absent). */
    public ServerEntry withAuth(dev.xaa4j.connector.AuthMode mode) {
        return new ServerEntry(url, pinnedAsIssuer, scopes, asClientId,
                mode == dev.xaa4j.connector.AuthMode.AUTO ? null : mode.word(), jwtBearerScope, workloadToken,
                jwtBearerResource);
    }

    /** The configured jwt-bearer {@code scope} choice ({@link dev.xaa4j.connector.JwtBearerScope#INHERIT} when unset). */
    public dev.xaa4j.connector.JwtBearerScope jwtBearerScopeChoice() {
        return jwtBearerScope == null ? dev.xaa4j.connector.JwtBearerScope.INHERIT
                : dev.xaa4j.connector.JwtBearerScope.of(jwtBearerScope);
    }

    /** This entry with {@code choice} ({@link dev.xaa4j.connector.JwtBearerScope#INHERIT} is stored as absent). */
    public ServerEntry withJwtBearerScope(dev.xaa4j.connector.JwtBearerScope choice) {
        return new ServerEntry(url, pinnedAsIssuer, scopes, asClientId, auth,
                choice == dev.xaa4j.connector.JwtBearerScope.INHERIT ? null : choice.word(), workloadToken,
                jwtBearerResource);
    }

    /** This entry with where its workload JWT comes from (null removes it). */
    public ServerEntry withWorkloadToken(String source) {
        return new ServerEntry(url, pinnedAsIssuer, scopes, asClientId, auth, jwtBearerScope, source, jwtBearerResource);
    }

    /**
     * Whether the EMA jwt-bearer request carries {@code resource} (true when unset).
     *
     * @throws IllegalArgumentException for a word other than {@code send} or {@code omit}, naming both
     */
    public boolean jwtBearerResourceSent() {
        return jwtBearerResource == null || sendsResource(jwtBearerResource);
    }

    /**
     * {@code send} → true, {@code omit} → false (case-insensitive).
     *
     * @throws IllegalArgumentException for any other word, naming both
     */
    public static boolean sendsResource(String word) {
        return switch (word.toLowerCase(java.util.Locale.ROOT)) {
            case SEND -> true;
            case OMIT -> false;
            default -> throw new IllegalArgumentException("unknown jwt-bearer resource choice '" + word
                    + "': use send (the default) or omit");
        };
    }

    /** This entry with whether its jwt-bearer request carries {@code resource} ({@code send} is stored as absent). */
    public ServerEntry withJwtBearerResource(boolean send) {
        return new ServerEntry(url, pinnedAsIssuer, scopes, asClientId, auth, jwtBearerScope, workloadToken,
                send ? null : OMIT);
    }
}
