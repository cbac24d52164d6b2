package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IdP refresh tokens with rotation and reuse detection (RFC 9700 §4.14.2, OAuth 2.1 §4.3.1). Every refresh
 * token belongs to a family started by one sign-in. Each use rotates: the presented token is marked used and
 * a new one is issued with a fresh lifetime. Presenting a used token means it leaked (or a client raced
 * itself), and the whole family is revoked, so the newest descendant stops working too. Only SHA-256 digests
 * of the tokens are stored.
 */
public final class RefreshTokenFamilies {

    /** The sign-in a family continues: who, for which client, which scope, when the user authenticated. */
    public record Session(String username, String clientId, Scope scope, Instant authTime, java.net.URI resource) {
        /** A session of the IdP (no RFC 8707 resource). */
        public Session(String username, String clientId, Scope scope, Instant authTime) {
            this(username, clientId, scope, authTime, null);
        }
    }

    /** A newly issued refresh token and the family it belongs to. */
    public record Issued(String token, String familyId, Session session) {
    }

    private static final class Family {
        final Session session;
        volatile boolean revoked;

        Family(Session session) {
            this.session = session;
        }
    }

    private static final class Entry {
        final String familyId;
        final Instant expiresAt;
        boolean used;

        Entry(String familyId, Instant expiresAt) {
            this.familyId = familyId;
            this.expiresAt = expiresAt;
        }
    }

    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final Map<String, Entry> tokens = new ConcurrentHashMap<>();

    public RefreshTokenFamilies(Clock clock, Duration ttl) {
        this.clock = clock;
        this.ttl = ttl;
    }

    /** Starts a new family for a fresh sign-in. */
    public Issued start(Session session) {
        String familyId = Secrets.newValue();
        families.put(familyId, new Family(session));
        return issueIn(familyId, session);
    }

    /**
     * Rotates {@code token}: marks it used and issues its successor.
     *
     * @param requestedScope the request's {@code scope}, or {@code null}; it may narrow the original scope only
     * @throws GrantRejected {@code invalid_grant} when the token is unknown, expired, bound to another client,
     *                       revoked, or already used (which also revokes the family); {@code invalid_scope} (the
     *                       token stays usable) when {@code requestedScope} widens the original scope
     */
    public Issued rotate(String token, String clientId, Scope requestedScope) throws GrantRejected {
        Entry e = tokens.get(Secrets.digest(token));
        Family f = check(e, clientId);
        synchronized (e) {
            if (e.used) {
                f.revoked = true;
                throw invalidGrant("refresh token reuse detected; session revoked, sign in again");
            }
            if (requestedScope != null && !f.session.scope().containsAll(requestedScope)) {
                throw new GrantRejected(com.nimbusds.oauth2.sdk.OAuth2Error.INVALID_SCOPE,
                        "requested scope exceeds the scope of the original sign-in");
            }
            e.used = true;
        }
        return issueIn(e.familyId, f.session);
    }

    /**
     * The family {@code token} belongs to, whatever its state, or empty when it is unknown; lets a caller check a
     * binding of the family (e.g. to a DPoP key) before {@link #rotate} spends the token.
     */
    public java.util.Optional<String> familyOf(String token) {
        Entry e = tokens.get(Secrets.digest(token));
        return e == null ? java.util.Optional.empty() : java.util.Optional.of(e.familyId);
    }

    /**
     * The session behind a current (unused, unexpired, unrevoked) refresh token without rotating it; used
     * when a refresh token is the subject of a token exchange (docs/protocol.md §3.2 step 3).
     */
    Session current(String token, String clientId) throws GrantRejected {
        Entry e = tokens.get(Secrets.digest(token));
        Family f = check(e, clientId);
        synchronized (e) {
            if (e.used) {
                throw invalidGrant("refresh token was already rotated; use the newest one");
            }
        }
        return f.session;
    }

    /**
     * RFC 7009 §2.1 revocation of {@code token} presented by {@code clientId}: revokes its whole family (the
     * refresh token and every rotated descendant), whatever the state of the presented token (used, expired).
     *
     * @return the revoked family's session, or empty when the token is unknown (RFC 7009 §2.2: the caller
     *         answers 200 all the same)
     * @throws GrantRejected {@code invalid_grant} when the token was issued to another client (RFC 7009 §2.1)
     */
    public java.util.Optional<Session> revoke(String token, String clientId) throws GrantRejected {
        Entry e = tokens.get(Secrets.digest(token));
        Family f = e == null ? null : families.get(e.familyId);
        if (f == null) {
            return java.util.Optional.empty();
        }
        if (!f.session.clientId().equals(clientId)) {
            throw invalidGrant("refresh token was issued to another client");
        }
        f.revoked = true;
        return java.util.Optional.of(f.session);
    }

    /** Revokes a whole family (e.g. when the authorization code that started it is reused). */
    public void revokeFamily(String familyId) {
        Family f = families.get(familyId);
        if (f != null) {
            f.revoked = true;
        }
    }

    private Family check(Entry e, String clientId) throws GrantRejected {
        if (e == null) {
            throw invalidGrant("refresh token is unknown");
        }
        Family f = families.get(e.familyId);
        if (f == null || f.revoked) {
            throw invalidGrant("refresh token was revoked; sign in again");
        }
        if (!f.session.clientId().equals(clientId)) {
            throw invalidGrant("refresh token was issued to another client");
        }
        if (!clock.instant().isBefore(e.expiresAt)) {
            throw invalidGrant("refresh token expired; sign in again");
        }
        return f;
    }

    private Issued issueIn(String familyId, Session session) {
        Instant now = clock.instant();
        tokens.values().removeIf(x -> x.expiresAt.isBefore(now)); // an expired token fails anyway
        String token = Secrets.newValue();
        tokens.put(Secrets.digest(token), new Entry(familyId, now.plus(ttl)));
        return new Issued(token, familyId, session);
    }

    private static GrantRejected invalidGrant(String description) {
        return new GrantRejected(com.nimbusds.oauth2.sdk.OAuth2Error.INVALID_GRANT, description);
    }
}
