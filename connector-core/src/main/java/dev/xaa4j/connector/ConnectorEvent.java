package dev.xaa4j.connector;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * Something that happened to the IdP session or to a server's token, for listeners
 * ({@link Connector#addListener}) and the activity journal. Events never carry token values or secrets.
 */
public sealed interface ConnectorEvent {

    /** When it happened (the connector's clock). */
    Instant at();

    /** A stable, snake_case name used in the activity journal. */
    String type();

    /** Interactive sign-in completed (docs/protocol.md §1 step 1). */
    record SignedIn(Instant at, String user, Instant sessionExpiresAt) implements ConnectorEvent {
        public String type() {
            return "signed_in";
        }
    }

    /** The IdP session was deleted and every cached token dropped. */
    record SignedOut(Instant at, Optional<String> user) implements ConnectorEvent {
        public String type() {
            return "signed_out";
        }
    }

    /** A new access token for {@code server} (docs/protocol.md §1 steps 2–3). */
    record TokenIssued(Instant at, String server, Set<String> scopes, Instant expiresAt) implements ConnectorEvent {
        public String type() {
            return "token_issued";
        }
    }

    /**
     * A renewal failed transiently (docs/protocol.md §5 last row); {@code tokenStillValid} tells whether callers
     * are still served the previous token while the connector backs off.
     */
    record RenewalFailed(Instant at, String server, String reason, boolean tokenStillValid) implements ConnectorEvent {
        public String type() {
            return "renewal_failed";
        }
    }

    /** The IdP or AS refused access to {@code server} (revoked, denied, or not enabled; docs/protocol.md §5). */
    record AccessRevoked(Instant at, String server, String reason) implements ConnectorEvent {
        public String type() {
            return "access_revoked";
        }
    }

    /**
     * The renewal chain ended without an ID token (docs/protocol.md §4 step 4): the user has to sign in again.
     * Background renewal reports this instead of opening a browser. {@code server} is the server whose
     * renewal found out, if any.
     */
    record SignInRequired(Instant at, Optional<String> server, String reason) implements ConnectorEvent {
        public String type() {
            return "sign_in_required";
        }
    }
}
