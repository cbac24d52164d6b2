package dev.xaa4j.connector.internal.grant;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * An Identity Assertion JWT Authorization Grant (docs/protocol.md §2) as returned by the token exchange. Held in
 * memory only and used once ({@link JwtBearerGrant}); {@link #toString()} never prints it.
 *
 * @param value     the raw ID-JAG (treated as opaque: it may be a JWE for the AS)
 * @param expiresAt from {@code expires_in}, else the JWT {@code exp}, else a short default
 * @param scopes    the granted scope ({@code scope} of the response, else what was requested)
 */
public record IdJag(String value, Instant expiresAt, Set<String> scopes) {

    /** {@code urn:ietf:params:oauth:token-type:id-jag} (Nimbus has no constant for it). */
    public static final TokenTypeURI TOKEN_TYPE = tokenType("urn:ietf:params:oauth:token-type:id-jag");

    /**
     * {@code urn:ietf:params:oauth:grant-profile:id-jag}: the AS metadata grant profile
     * (draft-ietf-oauth-identity-assertion-authz-grant §6).
     */
    public static final String GRANT_PROFILE = "urn:ietf:params:oauth:grant-profile:id-jag";

    /** The JOSE {@code typ} of an ID-JAG. */
    public static final JOSEObjectType JOSE_TYPE = new JOSEObjectType("oauth-id-jag+jwt");

    public IdJag {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
        scopes = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(scopes)); // keeps the order for the wire
    }

    private static TokenTypeURI tokenType(String uri) {
        try {
            return TokenTypeURI.parse(uri);
        } catch (ParseException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * The {@code cnf.jkt} of a readable ID-JAG (bound by the IdP to the DPoP key of the exchange, ID-JAG draft "Sender
     * Constraining Tokens"), read without verifying; empty when unbound or unreadable (JWE). The jwt-bearer request
     * presenting a bound ID-JAG carries a proof from that key.
     */
    public java.util.Optional<String> confirmationThumbprint() {
        return dev.xaa4j.connector.internal.dpop.DPoPProofs.confirmationThumbprint(value);
    }

    @Override
    public String toString() {
        return "IdJag[expiresAt=" + expiresAt + ", scopes=" + scopes + ", value=<redacted>]";
    }
}
