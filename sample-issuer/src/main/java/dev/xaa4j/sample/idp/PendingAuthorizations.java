package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authorization requests that passed validation at {@code GET /authorize} and wait for the user to sign in.
 * The login form carries only the opaque id of the pending request, so the request parameters cannot be
 * changed between validation and code issuance.
 */
public final class PendingAuthorizations {

    /** How long a user may take to fill in the login form. */
    static final Duration LIFETIME = Duration.ofMinutes(10);

    private record Pending(AuthorizationRequest request, Instant expiresAt) {
    }

    private final Clock clock;
    private final Map<String, Pending> byId = new ConcurrentHashMap<>();

    public PendingAuthorizations(Clock clock) {
        this.clock = clock;
    }

    /** Stores a validated request; returns its id for the login form. */
    public String add(AuthorizationRequest request) {
        Instant now = clock.instant();
        byId.values().removeIf(p -> p.expiresAt().isBefore(now));
        String id = Secrets.newValue();
        byId.put(id, new Pending(request, now.plus(LIFETIME)));
        return id;
    }

    /** The pending request, if it exists and has not expired. It stays pending (a wrong password may retry). */
    public Optional<AuthorizationRequest> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Pending p = byId.get(id);
        if (p == null || p.expiresAt().isBefore(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(p.request());
    }

    /** Removes the request once a code was issued for it, so the form cannot be replayed. */
    public Optional<AuthorizationRequest> complete(String id) {
        Pending p = id == null ? null : byId.remove(id);
        return p == null ? Optional.empty() : Optional.of(p.request());
    }
}
