package dev.xaa4j.connector;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An MCP access token for one server (docs/protocol.md §1 step 3), with its absolute expiry. Immutable.
 * {@link #toString()} never prints the token value.
 *
 * @param server    the configured server name
 * @param value     the raw access token: put it in {@code Authorization} ({@link #authorizationHeader()}),
 *                  never in a URL or a log
 * @param tokenType {@code Bearer} (or {@code DPoP})
 * @param expiresAt absolute expiry (computed from {@code expires_in} at the time the request was sent)
 * @param scopes    the granted scopes (as returned by the AS, else as requested)
 */
public record AccessToken(String server, String value, String tokenType, Instant expiresAt, Set<String> scopes) {

    public AccessToken {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(tokenType, "tokenType");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = Set.copyOf(scopes);
    }

    /** The {@code Authorization} header value, e.g. {@code Bearer eyJ…}. */
    public String authorizationHeader() {
        return tokenType + " " + value;
    }

    /**
     * Whether the token is sender-constrained with DPoP (RFC 9449 §5: {@code token_type} {@code DPoP},
     * case-insensitive): every request with it needs a fresh proof ({@link TokenSource#dpopProof}) next to
     * {@code Authorization: DPoP …}.
     */
    public boolean dpopBound() {
        return "DPoP".equalsIgnoreCase(tokenType);
    }

    public boolean isExpired(Clock clock) {
        return !clock.instant().isBefore(expiresAt);
    }

    @Override
    public String toString() {
        return "AccessToken[server=" + server + ", tokenType=" + tokenType + ", expiresAt=" + expiresAt
                + ", scopes=" + scopes + ", value=<redacted>]";
    }
}
