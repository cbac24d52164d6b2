package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.AccessToken;

/**
 * One cached access token and the times that govern it, in epoch milliseconds of the token cache's injected
 * clock (docs/protocol.md §4). Immutable, so a cached hit reads it with one volatile read and no lock.
 */
final class CachedToken {
    final AccessToken token;
    /** What the token is valid for; a step-up changes the scopes and hence the key. */
    final TokenKey key;
    /** The expiry the authorization server gave it. */
    final long expiresAt;
    /** It is handed out only before this: the expiry less {@link RenewalPolicy#minRemainingMillis}. */
    final long usableUntil;
    /** Background renewal starts here: the expiry less the margin and a random jitter ({@link RenewalPolicy}). */
    final long renewAt;

    private CachedToken(AccessToken token, TokenKey key, long expiresAt, long usableUntil, long renewAt) {
        this.token = token;
        this.key = key;
        this.expiresAt = expiresAt;
        this.usableUntil = usableUntil;
        this.renewAt = renewAt;
    }

    /** The entry for a token fetched at {@code now} (epoch millis). */
    static CachedToken of(TokenFetcher.Fetched fetched, long now, RenewalPolicy policy) {
        long expiresAt = fetched.token().expiresAt().toEpochMilli();
        long lifetime = Math.max(1, expiresAt - now);
        long margin = policy.marginMillis(lifetime);
        long renewAt = expiresAt - margin - policy.jitterMillis(margin);
        return new CachedToken(fetched.token(), fetched.key(), expiresAt,
                expiresAt - policy.minRemainingMillis(lifetime), renewAt);
    }
}
