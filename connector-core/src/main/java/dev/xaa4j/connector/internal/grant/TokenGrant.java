package dev.xaa4j.connector.internal.grant;

import java.time.Clock;
import java.time.Duration;

/**
 * What the grants of this package share (docs/protocol.md §1): the clock an answer's expiry is measured from
 * (the instant a request was sent, RFC 6749 §5.1 {@code expires_in}) and the connect and read timeout of each
 * token request. One small final class per grant extends it, as Spring Security's token response clients do;
 * immutable and thread-safe.
 */
abstract class TokenGrant {

    final Clock clock;
    final Duration timeout;

    TokenGrant(Clock clock, Duration timeout) {
        this.clock = clock;
        this.timeout = timeout;
    }
}
