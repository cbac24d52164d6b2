package dev.xaa4j.connector.internal.store;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import java.text.ParseException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The only state persisted (in the credential store): the IdP session of one user with one IdP client.
 * Per-server access tokens stay in memory. {@link #toString()} never prints tokens.
 *
 * @param issuer           IdP issuer identifier
 * @param clientId         client id at the IdP
 * @param subject          {@code sub} of the ID token
 * @param idToken          the raw, validated ID token
 * @param idTokenExpiresAt {@code exp} of the ID token
 * @param refreshToken     IdP refresh token, if one was issued
 * @param authTime         original sign-in time ({@code auth_time} or the time the code was redeemed)
 * @param idTokenRenewable whether an IdP refresh is expected to yield a new ID token: {@code false} once a
 *                         refresh answered without {@code id_token} (OpenID Connect Core §12.2 allows that)
 */
public record IdpSession(String issuer, String clientId, String subject, String idToken, Instant idTokenExpiresAt,
                         Optional<String> refreshToken, Instant authTime, boolean idTokenRenewable) {

    /** A session whose refresh, if it holds a refresh token, is expected to yield a new ID token. */
    public IdpSession(String issuer, String clientId, String subject, String idToken, Instant idTokenExpiresAt,
                      Optional<String> refreshToken, Instant authTime) {
        this(issuer, clientId, subject, idToken, idTokenExpiresAt, refreshToken, authTime, true);
    }

    /**
     * Whether the ID token can be renewed without the user: a refresh token is held and the IdP's last
     * refresh (if any) returned a new ID token (OpenID Connect Core §12.2).
     */
    public boolean canRenewIdToken() {
        return refreshToken.isPresent() && idTokenRenewable;
    }

    public IdpSession {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(idToken, "idToken");
        Objects.requireNonNull(idTokenExpiresAt, "idTokenExpiresAt");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(authTime, "authTime");
    }

    /**
     * The name to show a person for this session: {@link #displayName(JWTClaimsSet)} of the stored ID token,
     * or {@link #subject()} when the token cannot be parsed. Never the token itself.
     */
    public String displayName() {
        try {
            return displayName(JWTParser.parse(idToken).getJWTClaimsSet());
        } catch (ParseException e) {
            return subject;
        }
    }

    /**
     * Who an ID token names, for people: the first non-blank of the OIDC Core §5.1 standard claims {@code name},
     * {@code preferred_username}, {@code email}, else {@code sub} (often an opaque UUID at a real IdP), else
     * {@code "?"}. Pure; thread-safe.
     */
    public static String displayName(JWTClaimsSet claims) {
        for (String claim : new String[] {"name", "preferred_username", "email", "sub"}) {
            if (claims.getClaim(claim) instanceof String v && !v.isBlank()) {
                return v.strip();
            }
        }
        return "?";
    }

    @Override
    public String toString() {
        return "IdpSession[issuer=" + issuer + ", clientId=" + clientId + ", subject=" + subject
                + ", idTokenExpiresAt=" + idTokenExpiresAt + ", refreshToken=" + (refreshToken.isPresent() ? "present" : "none")
                + ", authTime=" + authTime + ", idTokenRenewable=" + idTokenRenewable + "]";
    }
}
