package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.openid.connect.sdk.Nonce;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-time authorization codes (RFC 6749 §4.1.2, §10.5). A code is bound to everything the token request
 * must repeat or prove: client, redirect URI, PKCE challenge (RFC 7636 §4.4), and carries what the ID token
 * needs (user, nonce, scope, auth_time). Only the code's SHA-256 is stored.
 *
 * <p>A used code is remembered past its expiry so a second presentation is recognised as reuse: RFC 6749
 * §4.1.2 says the server SHOULD then revoke the tokens issued from it, which {@link Redemption.Reused}
 * enables by naming the refresh-token family.
 */
public final class AuthorizationCodes {

    /**
     * What a code stands for.
     *
     * @param resource the RFC 8707 resource the code was issued for (the plain OAuth AS); {@code null} at the IdP
     */
    public record CodeGrant(ClientID clientId, String redirectUri, CodeChallenge codeChallenge, Nonce nonce,
                            String username, Scope scope, Instant authTime, java.net.URI resource) {
        /** A code of the IdP (no resource). */
        public CodeGrant(ClientID clientId, String redirectUri, CodeChallenge codeChallenge, Nonce nonce,
                         String username, Scope scope, Instant authTime) {
            this(clientId, redirectUri, codeChallenge, nonce, username, scope, authTime, null);
        }
    }

    /** The outcome of presenting a code at the token endpoint. */
    public sealed interface Redemption {
        record Valid(String codeId, CodeGrant grant) implements Redemption {
        }

        record Unknown() implements Redemption {
        }

        record Expired() implements Redemption {
        }

        /** @param familyId the refresh-token family issued from the first redemption, if any */
        record Reused(Optional<String> familyId, CodeGrant grant) implements Redemption {
        }
    }

    /** Used codes are kept this long after expiry to detect reuse. */
    private static final Duration REUSE_MEMORY = Duration.ofHours(1);

    private static final class Entry {
        final CodeGrant grant;
        final Instant expiresAt;
        boolean used;
        boolean reused;
        String familyId;

        Entry(CodeGrant grant, Instant expiresAt) {
            this.grant = grant;
            this.expiresAt = expiresAt;
        }
    }

    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Entry> byDigest = new ConcurrentHashMap<>();

    public AuthorizationCodes(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    /** Issues a fresh code (256 random bits) for {@code grant}; returns the code value. */
    public String issue(CodeGrant grant) {
        Instant now = clock.instant();
        byDigest.values().removeIf(e -> e.expiresAt.plus(REUSE_MEMORY).isBefore(now));
        String code = Secrets.newValue();
        byDigest.put(Secrets.digest(code), new Entry(grant, now.plus(ttl)));
        return code;
    }

    /**
     * Marks the code used and returns what it stands for. Any presentation consumes the code, even one
     * that later fails the client, redirect URI or verifier check, so a stolen code cannot be retried.
     */
    public Redemption redeem(String code) {
        String digest = Secrets.digest(code);
        Entry e = byDigest.get(digest);
        if (e == null) {
            return new Redemption.Unknown();
        }
        synchronized (e) {
            if (e.used) {
                e.reused = true;
                return new Redemption.Reused(Optional.ofNullable(e.familyId), e.grant);
            }
            e.used = true;
        }
        if (!clock.instant().isBefore(e.expiresAt)) {
            return new Redemption.Expired();
        }
        return new Redemption.Valid(digest, e.grant);
    }

    /**
     * Records the refresh-token family issued from a redeemed code, for revocation on reuse.
     *
     * @return {@code false} when the code was presented again while its first redemption was in progress;
     *         the caller must then revoke the family itself
     */
    public boolean linkFamily(String codeId, String familyId) {
        Entry e = byDigest.get(codeId);
        if (e == null) {
            return true;
        }
        synchronized (e) {
            e.familyId = familyId;
            return !e.reused;
        }
    }
}
