package dev.xaa4j.connector.internal.grant;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.token.TokenTypeURI;
import com.nimbusds.oauth2.sdk.token.TypelessAccessToken;
import com.nimbusds.oauth2.sdk.tokenexchange.TokenExchangeGrant;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.dpop.DPoPProofs;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.minidev.json.JSONObject;

/**
 * RFC 8693 token exchange at the IdP: ID token → ID-JAG (docs/protocol.md §1 step 2, checks of §3.1, errors of §5).
 *
 * <p>Always sends {@code audience} = the AS issuer exactly as in its metadata, {@code resource} = the PRM
 * resource, {@code scope} when there is one, {@code requested_token_type} id-jag and
 * {@code subject_token_type} id_token (or refresh_token, {@link #exchangeRefreshToken}), with the client
 * authentication given. Response checks:
 * {@code issued_token_type} must be the id-jag URN and {@code access_token} non-empty; {@code token_type}
 * {@code N_A} is compared case-insensitively and only logged when different. Expiry: {@code expires_in}, else
 * the JWT {@code exp}, else {@link #DEFAULT_LIFETIME} — never longer than the JWT says.
 *
 * <p>Errors: {@code invalid_target} → {@link ConnectorException.Kind#SERVER_NOT_ENABLED}; {@code access_denied},
 * {@code unauthorized_client} → {@link ConnectorException.Kind#ACCESS_DENIED}; {@code invalid_grant}, {@code invalid_request}
 * → {@link SubjectTokenRejectedException} carrying the code (caller renews the ID token and retries once,
 * then classifies by the code, RFC 8693 §2.2.2); {@code invalid_scope} → {@link ScopeRejectedException};
 * {@code invalid_client}, an ID-JAG bound to another AS or resource, any other OAuth error →
 * {@link ConnectorException.Kind#CONFIGURATION}; {@code unsupported_grant_type}, a token that is not an ID-JAG →
 * {@link ConnectorException.Kind#SUBJECT_TOKEN_REJECTED}; the OAuth error code is in
 * {@link ConnectorException#oauthError()}; 5xx, timeouts, non-JSON →
 * {@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE}. Stateless and thread-safe.
 */
public final class IdJagExchange extends TokenGrant {

    /** Expiry assumed when neither {@code expires_in} nor a parsable {@code exp} is available. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IdJagExchange.class);

    public IdJagExchange(Clock clock, Duration timeout) {
        super(clock, timeout);
    }

    /**
     * @param server   the configured server name, for error messages
     * @param asIssuer the AS {@code issuer}, sent byte for byte as {@code audience}
     * @param resource the PRM {@code resource}, sent as {@code resource}
     * @param scopes   requested scopes; empty = no {@code scope} parameter
     */
    public IdJag exchange(String server, URI idpTokenEndpoint, ClientAuth clientAuth, String idToken,
                          String asIssuer, String resource, Set<String> scopes) {
        return exchange(server, idpTokenEndpoint, clientAuth, idToken, asIssuer, resource, scopes, null, false);
    }

    /**
     * As above, binding the ID-JAG to this installation's DPoP key (ID-JAG draft "Sender Constraining Tokens",
     * docs/architecture.md "DPoP"): with {@code sendProof} the request carries a proof ({@code htu} = the IdP token
     * endpoint), and a returned ID-JAG with {@code cnf.jkt} must name {@code dpop}'s key.
     *
     * @param dpop      the installation's proofs, or null when DPoP is off
     * @param sendProof whether the IdP advertises ES256 (then {@code dpop} is not null)
     * @throws ConnectorException {@link ConnectorException.Kind#CONFIGURATION} for an ID-JAG bound to another key (or
     *         bound while DPoP is off): it is refused and never presented to the authorization server
     */
    public IdJag exchange(String server, URI idpTokenEndpoint, ClientAuth clientAuth, String idToken,
                          String asIssuer, String resource, Set<String> scopes, DPoPProofs dpop, boolean sendProof) {
        Instant sentAt = clock.instant();
        TokenEndpoint.Outcome outcome = post(idpTokenEndpoint, clientAuth, idToken, TokenTypeURI.ID_TOKEN, asIssuer,
                resource, scopes, sendProof ? dpop : null);
        if (!outcome.ok()) {
            throw map(server, outcome.error());
        }
        IdJag idJag = parse(server, outcome.json(), scopes, sentAt, asIssuer, resource);
        checkConfirmation(server, idJag, dpop);
        return idJag;
    }

    /**
     * The same exchange with the IdP refresh token as {@code subject_token} ({@code subject_token_type}
     * {@code urn:ietf:params:oauth:token-type:refresh_token}, ID-JAG draft -04 §4.3.2, docs/protocol.md §4), the
     * request otherwise as {@link #exchange(String, URI, ClientAuth, String, String, String, Set, DPoPProofs, boolean)}
     * (DPoP binding included). An IdP may answer with a rotated {@code refresh_token}, returned for the caller to persist.
     *
     * @throws RefreshSubjectRefusedException {@code invalid_request}, {@code invalid_grant},
     *         {@code unsupported_token_type} or {@code unsupported_grant_type}: use the ID token for this exchange
     *         (what is remembered: {@link RefreshSubjectRefusedException})
     * @throws ConnectorException other errors as {@link #exchange}
     */
    public ViaRefreshToken exchangeRefreshToken(String server, URI idpTokenEndpoint, ClientAuth clientAuth,
                                                String refreshToken, String asIssuer, String resource,
                                                Set<String> scopes, DPoPProofs dpop, boolean sendProof) {
        Instant sentAt = clock.instant();
        TokenEndpoint.Outcome outcome = post(idpTokenEndpoint, clientAuth, refreshToken, TokenTypeURI.REFRESH_TOKEN,
                asIssuer, resource, scopes, sendProof ? dpop : null);
        if (!outcome.ok()) {
            String code = outcome.error().getCode();
            String detail = TokenEndpoint.describe(outcome.error());
            if (RefreshSubjectRefusedException.CODES.contains(code)) {
                throw new RefreshSubjectRefusedException(code, detail);
            }
            throw map(server, outcome.error());
        }
        IdJag idJag = parse(server, outcome.json(), scopes, sentAt, asIssuer, resource);
        checkConfirmation(server, idJag, dpop);
        String rotated = TokenEndpoint.string(outcome.json(), "refresh_token");
        return new ViaRefreshToken(idJag,
                rotated == null || rotated.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(rotated));
    }

    /**
     * An ID-JAG obtained with a refresh-token subject, and the refresh token the IdP rotated to, if it did.
     * {@link #toString()} prints neither token.
     */
    public record ViaRefreshToken(IdJag idJag, java.util.Optional<String> rotatedRefreshToken) {
        @Override
        public String toString() {
            return "ViaRefreshToken[" + idJag + ", rotated=" + rotatedRefreshToken.isPresent() + "]";
        }
    }

    private TokenEndpoint.Outcome post(URI idpTokenEndpoint, ClientAuth clientAuth, String subjectToken,
                                       TokenTypeURI subjectType, String asIssuer, String resource, Set<String> scopes,
                                       DPoPProofs proofs) {
        TokenExchangeGrant grant = new TokenExchangeGrant(new TypelessAccessToken(subjectToken), subjectType,
                null, null, IdJag.TOKEN_TYPE, List.of(new Audience(asIssuer)));
        return TokenEndpoint.post(() -> {
            TokenRequest.Builder builder = clientAuth.newRequest(idpTokenEndpoint, grant).resources(URI.create(resource));
            if (!scopes.isEmpty()) {
                builder.scope(new Scope(scopes.toArray(String[]::new)));
            }
            return builder.build();
        }, timeout, "the IdP", proofs);
    }

    /** Refuses an ID-JAG whose {@code cnf.jkt} is not our key's thumbprint (downgrade or mix-up detection). */
    private static void checkConfirmation(String server, IdJag idJag, DPoPProofs dpop) {
        java.util.Optional<String> jkt = idJag.confirmationThumbprint();
        if (jkt.isEmpty()) {
            return;
        }
        if (dpop == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server, "The IdP bound the ID-JAG for '"
                    + server + "' to a DPoP key (cnf.jkt) while DPoP is turned off here; it was not used. Turn DPoP on"
                    + " (\"dpop\": true in the configuration) or ask your administrator", null, null);
        }
        if (!jkt.get().equals(dpop.thumbprint())) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server, "The IdP returned an ID-JAG for '"
                    + server + "' bound to another DPoP key than this installation's (cnf.jkt mismatch); it was refused and"
                    + " not sent to the authorization server. Ask your administrator to check the IdP", null, null);
        }
    }

    private IdJag parse(String server, JSONObject json, Set<String> requested, Instant sentAt, String asIssuer,
                        String resource) {
        String issued = TokenEndpoint.string(json, "issued_token_type");
        if (!IdJag.TOKEN_TYPE.getURI().toString().equals(issued)) {
            throw new ConnectorException(ConnectorException.Kind.SUBJECT_TOKEN_REJECTED, "The IdP returned a token of type " + Redaction.echo(issued)
                    + " instead of an ID-JAG for server " + server + "; it may not support enterprise-managed authorization");
        }
        String value = TokenEndpoint.string(json, "access_token");
        if (value == null || value.isBlank()) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The IdP returned an empty ID-JAG for server " + server);
        }
        String tokenType = TokenEndpoint.string(json, "token_type");
        if (tokenType == null || !tokenType.equalsIgnoreCase("N_A")) {
            LOG.debug("token exchange for {} returned token_type {} (expected N_A); ignored", server, tokenType);
        }
        checkBinding(server, value, asIssuer, resource);
        Long expiresIn = TokenEndpoint.expiresIn(json);
        Instant jwtExp = jwtExpiry(value);
        Instant expiresAt;
        if (expiresIn != null && expiresIn > 0) {
            expiresAt = sentAt.plusSeconds(expiresIn);
            if (jwtExp != null && jwtExp.isBefore(expiresAt)) {
                expiresAt = jwtExp;
            }
        } else if (jwtExp != null) {
            expiresAt = jwtExp;
        } else {
            expiresAt = sentAt.plus(DEFAULT_LIFETIME);
        }
        String scope = TokenEndpoint.string(json, "scope");
        Set<String> granted = scope == null ? requested : new LinkedHashSet<>(List.of(scope.trim().split("\\s+")));
        if (scope != null && scope.isBlank()) {
            granted = Set.of();
        }
        return new IdJag(value, expiresAt, granted);
    }

    /**
     * docs/protocol.md §3.1 optional sanity decode: a readable ID-JAG must be bound to the AS and resource we asked
     * for (a mix-up here would hand our user's grant to another server). Unreadable (JWE) ID-JAGs pass.
     */
    private static void checkBinding(String server, String value, String asIssuer, String resource) {
        com.nimbusds.jwt.JWTClaimsSet claims;
        try {
            claims = JWTParser.parse(value).getJWTClaimsSet();
        } catch (java.text.ParseException | RuntimeException e) {
            return;
        }
        if (claims == null) {
            return;
        }
        if (claims.getAudience() != null && !claims.getAudience().isEmpty() && !claims.getAudience().contains(asIssuer)) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The IdP issued an ID-JAG for another authorization server than the one of '"
                    + server + "' (aud " + claims.getAudience() + ", expected " + asIssuer + ")");
        }
        Object r = claims.getClaim("resource");
        if (r instanceof String s && !s.equals(resource)
                || r instanceof java.util.List<?> l && !l.contains(resource)) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The IdP issued an ID-JAG for another resource than '" + server
                    + "' (resource " + r + ", expected " + resource + ")");
        }
    }

    private static Instant jwtExpiry(String value) {
        try {
            Date exp = JWTParser.parse(value).getJWTClaimsSet().getExpirationTime();
            return exp == null ? null : exp.toInstant();
        } catch (java.text.ParseException | RuntimeException e) {
            return null; // opaque to us (e.g. a JWE for the AS): fine
        }
    }

    static ConnectorException map(String server, ErrorObject error) {
        String code = error.getCode();
        String detail = TokenEndpoint.describe(error);
        return switch (code) {
            case OAuth2Error.INVALID_TARGET_CODE -> new ConnectorException(ConnectorException.Kind.SERVER_NOT_ENABLED,server, "The MCP server '" + server
                    + "' is not enabled for you by your administrator (the IdP answered " + detail + ")", code, null);
            case OAuth2Error.ACCESS_DENIED_CODE, OAuth2Error.UNAUTHORIZED_CLIENT_CODE -> new ConnectorException(ConnectorException.Kind.ACCESS_DENIED,server,
                    "Access to the MCP server '" + server + "' was denied by your IdP (" + detail
                            + "); ask your administrator", code, null);
            case OAuth2Error.INVALID_GRANT_CODE, OAuth2Error.INVALID_REQUEST_CODE -> new SubjectTokenRejectedException(code, detail,
                    "The IdP rejected the ID token offered as subject_token for '" + server + "' (" + detail + ")");
            case OAuth2Error.INVALID_CLIENT_CODE -> new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The IdP does not accept this connector's client"
                    + " credentials (" + detail + "); ask your administrator to check the client registration", code, null);
            case OAuth2Error.UNSUPPORTED_GRANT_TYPE_CODE -> new ConnectorException(ConnectorException.Kind.SUBJECT_TOKEN_REJECTED, "The IdP does not support token exchange"
                    + " (" + detail + "): enterprise-managed authorization is not available with this IdP", code, null);
            case OAuth2Error.INVALID_SCOPE_CODE -> new ScopeRejectedException(detail, "The IdP does not allow the scopes"
                    + " requested for '" + server + "' (" + detail + ")");
            default -> new ConnectorException(ConnectorException.Kind.CONFIGURATION, server, "The IdP refused the token exchange for '"
                    + server + "' (" + detail + "); ask your administrator", code, null);
        };
    }
}
