package dev.xaa4j.connector.internal.grant;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import dev.xaa4j.connector.internal.ProtocolNames;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.internal.dpop.DPoPProofs;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.minidev.json.JSONObject;

/**
 * RFC 7523 JWT-bearer grant at the MCP server's authorization server: ID-JAG → access token (docs/protocol.md §1
 * step 3, checks of §3.1, errors of §5). Sends {@code assertion}, {@code scope} as the caller chose it (by
 * default the scope granted in the exchange; see {@link dev.xaa4j.connector.JwtBearerScope}), {@code resource}
 * (RFC 8707 §2; unless the server is configured to leave it off: {@code resource} null below),
 * and the client authentication registered at the AS. Each ID-JAG goes into
 * one call: the caller must mint a fresh one for every call (the MCP profile mandates {@code jti} replay
 * rejection). Within the call it is presented once, or twice when the AS refused the first request only for its
 * DPoP nonce ({@code use_dpop_nonce}, RFC 9449 §8, {@code TokenEndpoint.post}): the AS did not redeem it then.
 *
 * <p>Response: non-empty {@code access_token}; {@code token_type} Bearer/DPoP case-insensitively (absent →
 * Bearer; DPoP only after a proof, docs/architecture.md "DPoP"); {@code expires_in} turned into an absolute time measured from when the request was sent; a
 * returned {@code scope} is recorded. A refresh token from the AS is ignored (§4). Errors:
 * {@code invalid_grant} → {@link AssertionRejectedException} (caller retries once with a new ID-JAG);
 * {@code access_denied} → {@link ConnectorException.Kind#ACCESS_DENIED}; {@code invalid_target} →
 * {@link ConnectorException.Kind#SERVER_NOT_ENABLED}; {@code invalid_scope} → {@link ScopeRejectedException};
 * {@code invalid_client}, {@code unauthorized_client}, {@code unsupported_grant_type} →
 * {@link ConnectorException.Kind#CONFIGURATION}. Thread-safe.
 */
public final class JwtBearerGrant extends TokenGrant {

    /** Lifetime assumed when the AS sends no {@code expires_in} (conservative: renew soon). */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    /** The {@code token_type} of a DPoP-bound access token (RFC 9449 §5). */
    static final String DPOP = "DPoP";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JwtBearerGrant.class);
    /** The servers whose AS answered a proof with a Bearer token (warned once per process). */
    private static final Set<String> UNBOUND_WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public JwtBearerGrant(Clock clock, Duration timeout) {
        super(clock, timeout);
    }

    /** Redeems with {@code scope} = the ID-JAG's granted scope ({@link dev.xaa4j.connector.JwtBearerScope#INHERIT}). */
    public AccessToken redeem(String server, URI asTokenEndpoint, ClientAuth clientAuth, IdJag idJag,
                              String resource) {
        return redeem(server, asTokenEndpoint, clientAuth, idJag, resource, idJag.scopes(), null);
    }

    /**
     * @param scope the {@code scope} parameter's values (RFC 6749 §3.3), chosen by the caller from the server's
     *              {@link dev.xaa4j.connector.JwtBearerScope}; empty = no {@code scope} parameter (the AS then
     *              takes the ID-JAG's). Also the granted scope assumed when the response names none (RFC 6749
     *              §5.1), or the ID-JAG's when empty.
     */
    public AccessToken redeem(String server, URI asTokenEndpoint, ClientAuth clientAuth, IdJag idJag,
                              String resource, Set<String> scope) {
        return redeem(server, asTokenEndpoint, clientAuth, idJag, resource, scope, null);
    }

    /** As below with {@code scope} = the ID-JAG's granted scope when {@code sendScope}, else none. */
    public AccessToken redeem(String server, URI asTokenEndpoint, ClientAuth clientAuth, IdJag idJag,
                              String resource, boolean sendScope, DPoPProofs dpop) {
        return redeem(server, asTokenEndpoint, clientAuth, idJag, resource, sendScope ? idJag.scopes() : Set.of(), dpop);
    }

    /**
     * @param resource the {@code resource} parameter (RFC 8707 §2), or null for none (the ID-JAG's {@code resource}
     *                 claim still names the server)
     * @param dpop proofs for this request (RFC 9449 §5; the AS advertises ES256, or the ID-JAG is bound to our key),
     *             or null for none
     */
    public AccessToken redeem(String server, URI asTokenEndpoint, ClientAuth clientAuth, IdJag idJag,
                              String resource, Set<String> scope, DPoPProofs dpop) {
        Instant sentAt = clock.instant();
        TokenEndpoint.Outcome outcome = TokenEndpoint.post(() -> {
            TokenRequest.Builder builder = clientAuth.newRequest(asTokenEndpoint, grant(idJag.value()));
            if (resource != null) {
                builder.resources(URI.create(resource));
            }
            if (!scope.isEmpty()) {
                builder.scope(new Scope(scope.toArray(String[]::new)));
            }
            return builder.build();
        }, timeout, "the authorization server of '" + server + "'", dpop);
        if (!outcome.ok()) {
            throw map(server, outcome.error());
        }
        return parse(server, outcome.json(), scope.isEmpty() ? idJag.scopes() : scope, sentAt, dpop != null);
    }

    /** As {@link #parse(String, JSONObject, Set, Instant, boolean)} for a request sent without a DPoP proof. */
    static AccessToken parse(String server, JSONObject json, Set<String> requested, Instant sentAt) {
        return parse(server, json, requested, sentAt, false);
    }

    /**
     * The access token of a successful token response (RFC 6749 §5.1); shared by the grants of this package.
     * {@code token_type} DPoP is accepted only when a proof was sent (RFC 9449 §5); Bearer after a proof means the
     * AS did not bind the token: it is used as Bearer and a warning is logged once per server.
     */
    static AccessToken parse(String server, JSONObject json, Set<String> requested, Instant sentAt, boolean proofSent) {
        String value = TokenEndpoint.string(json, "access_token");
        if (value == null || value.isBlank()) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The authorization server of '" + server + "' returned no access token");
        }
        String type = TokenEndpoint.string(json, "token_type");
        String tokenType;
        if (type == null || type.equalsIgnoreCase(ProtocolNames.BEARER)) {
            tokenType = ProtocolNames.BEARER;
            if (proofSent && UNBOUND_WARNED.add(server)) {
                LOG.warn("The authorization server of '{}' answered a DPoP token request with a Bearer token: the token"
                        + " is not sender-constrained and is used as Bearer", server);
            }
        } else if (type.equalsIgnoreCase(DPOP)) {
            if (!proofSent) {
                throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The authorization server of '" + server
                        + "' issued a DPoP-bound token for a request without a DPoP proof; turn DPoP on (\"dpop\": true)"
                        + " or ask the server's administrator to list ES256 in dpop_signing_alg_values_supported");
            }
            tokenType = DPOP;
        } else {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The authorization server of '" + server + "' returned token_type " + Redaction.echo(type));
        }
        Long expiresIn = TokenEndpoint.expiresIn(json);
        Instant expiresAt = sentAt.plus(expiresIn != null && expiresIn > 0 ? Duration.ofSeconds(expiresIn) : DEFAULT_LIFETIME);
        Instant jwtExp = jwtExpiry(value);
        if (jwtExp != null && jwtExp.isBefore(expiresAt)) {
            expiresAt = jwtExp; // a JWT's exp is whole seconds: never believe we have longer than the RS will allow
        }
        String scope = TokenEndpoint.string(json, "scope");
        Set<String> granted = scope == null ? requested
                : scope.isBlank() ? Set.of() : new LinkedHashSet<>(List.of(scope.trim().split("\\s+")));
        return new AccessToken(server, value, tokenType, expiresAt, granted);
    }

    /** The {@code exp} of a JWT access token (RFC 9068), if it is one; access tokens are otherwise opaque. */
    private static Instant jwtExpiry(String value) {
        if (!value.startsWith("eyJ")) {
            return null;
        }
        try {
            java.util.Date exp = JWTParser.parse(value).getJWTClaimsSet().getExpirationTime();
            return exp == null ? null : exp.toInstant();
        } catch (java.text.ParseException | RuntimeException e) {
            return null;
        }
    }

    static ConnectorException map(String server, ErrorObject error) {
        String code = error.getCode();
        String detail = TokenEndpoint.describe(error);
        return switch (code) {
            case OAuth2Error.INVALID_GRANT_CODE -> new AssertionRejectedException(server, "The authorization server of '" + server
                    + "' rejected the ID-JAG (" + detail + ")", code);
            case OAuth2Error.ACCESS_DENIED_CODE -> new ConnectorException(ConnectorException.Kind.ACCESS_DENIED,server, "The authorization server of '" + server
                    + "' denied access (" + detail + ")", code, null);
            case OAuth2Error.INVALID_TARGET_CODE -> new ConnectorException(ConnectorException.Kind.SERVER_NOT_ENABLED,server, "The MCP server '" + server
                    + "' is not enabled for you by your administrator (its authorization server answered " + detail + ")", code, null);
            case OAuth2Error.INVALID_SCOPE_CODE -> new ScopeRejectedException(detail, "The authorization server of '" + server
                    + "' does not accept the requested scopes (" + detail + ")");
            case OAuth2Error.INVALID_CLIENT_CODE, OAuth2Error.UNAUTHORIZED_CLIENT_CODE, OAuth2Error.UNSUPPORTED_GRANT_TYPE_CODE ->
                    new ConnectorException(ConnectorException.Kind.CONFIGURATION, server, "The authorization server of '" + server + "' does not accept this"
                            + " client or grant (" + detail + "); ask your administrator to check the registration", code, null);
            default -> new ConnectorException(ConnectorException.Kind.CONFIGURATION, server, "The authorization server of '" + server
                    + "' refused the token (" + detail + "); ask your administrator", code, null);
        };
    }

    /** Nimbus's grant for a JWS or JWE ID-JAG; anything else is passed through as an opaque assertion. */
    static AuthorizationGrant grant(String value) {
        try {
            JWT jwt = JWTParser.parse(value);
            if (jwt instanceof SignedJWT signed) {
                return new JWTBearerGrant(signed);
            }
            if (jwt instanceof EncryptedJWT encrypted) {
                return new JWTBearerGrant(encrypted);
            }
        } catch (java.text.ParseException e) {
            // opaque: fall through
        }
        return new Assertion(value);
    }

    /**
     * The jwt-bearer grant carrying the ID-JAG verbatim. Nimbus's {@code JWTBearerGrant} needs a parsed JWS;
     * an ID-JAG may be a JWE for the AS (docs/protocol.md §2), so the assertion is passed as the opaque string.
     */
    private static final class Assertion extends AuthorizationGrant {
        private final String assertion;

        Assertion(String assertion) {
            super(GrantType.JWT_BEARER);
            this.assertion = assertion;
        }

        @Override
        public Map<String, List<String>> toParameters() {
            return Map.of("grant_type", List.of(GrantType.JWT_BEARER.getValue()), "assertion", List.of(assertion));
        }
    }
}
