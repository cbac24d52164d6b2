package dev.xaa4j.connector.internal.signin;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.xaa4j.connector.ConnectorException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Full ID token validation (docs/protocol.md §3.1, OIDC Core §3.1.3.7) with Nimbus {@link IDTokenValidator}:
 * signature with a key from the IdP's {@code jwks_uri} (re-fetched once on an unknown {@code kid}, so key
 * rotation works), algorithm in the IdP's {@code id_token_signing_alg_values_supported} minus {@code none}
 * and HMAC, {@code iss} equal to the IdP issuer, {@code aud} containing our client id (several audiences →
 * {@code azp} required; {@code azp}, when present, must be our client id), {@code exp}/{@code iat} checked
 * against the injected {@link Clock} with {@code clockSkew}, and {@code nonce} when one was sent (a token
 * from a refresh carries none: pass {@code null}).
 *
 * <p>Failures throw {@link ConnectorException.Kind#SIGN_IN_REQUIRED} (the session cannot be trusted: sign in again);
 * an unreachable JWKS throws {@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE}. Messages never contain
 * token bytes. Thread-safe; keep one instance per (IdP, client) to reuse the fetched keys.
 */
public final class IdTokenVerifier {

    /** Nimbus checks exp/iat against the system clock; we neutralise that and check against {@link #clock}. */
    private static final int NIMBUS_SKEW_DISABLED = (int) Duration.ofDays(3650).toSeconds();

    private final String issuer;
    private final String clientId;
    private final Clock clock;
    private final Duration clockSkew;
    private final Set<JWSAlgorithm> algorithms;
    private final IDTokenValidator validator;

    public IdTokenVerifier(OIDCProviderMetadata idp, String clientId, Clock clock, Duration clockSkew) {
        this(idp, clientId, clock, clockSkew, Duration.ofSeconds(10));
    }

    /** @param httpTimeout connect and read timeout for fetching the JWKS */
    public IdTokenVerifier(OIDCProviderMetadata idp, String clientId, Clock clock, Duration clockSkew, Duration httpTimeout) {
        Objects.requireNonNull(idp, "idp");
        this.issuer = idp.getIssuer().getValue();
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clockSkew = Objects.requireNonNull(clockSkew, "clockSkew");
        this.algorithms = allowedAlgorithms(idp);
        if (idp.getJWKSetURI() == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The identity provider " + issuer + " publishes no jwks_uri, so its ID tokens "
                    + "cannot be verified. Ask your identity administrator.");
        }
        JwksSource keys = new JwksSource(idp.getJWKSetURI(), clock, httpTimeout, Duration.ofSeconds(30), Duration.ofHours(24));
        this.validator = new IDTokenValidator(idp.getIssuer(), new ClientID(clientId),
                new JWSVerificationKeySelector<SecurityContext>(algorithms, keys), null);
        this.validator.setMaxClockSkew(NIMBUS_SKEW_DISABLED);
    }

    private static Set<JWSAlgorithm> allowedAlgorithms(OIDCProviderMetadata idp) {
        List<JWSAlgorithm> advertised = idp.getIDTokenJWSAlgs() == null ? List.of(JWSAlgorithm.RS256) : idp.getIDTokenJWSAlgs();
        Set<JWSAlgorithm> allowed = new LinkedHashSet<>();
        for (JWSAlgorithm a : advertised) {
            if (!a.getName().equals("none") && !JWSAlgorithm.Family.HMAC_SHA.contains(a)) {
                allowed.add(a);
            }
        }
        if (allowed.isEmpty()) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The identity provider " + idp.getIssuer() + " signs ID tokens only with "
                    + advertised + "; xaa4j accepts only asymmetric signatures. Ask your identity administrator.");
        }
        return Set.copyOf(allowed);
    }

    /** @param expectedNonce the nonce sent in the authorization request; {@code null} after a refresh */
    public JWTClaimsSet verify(String idToken, Nonce expectedNonce) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(Objects.requireNonNull(idToken, "idToken"));
        } catch (ParseException e) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The identity provider returned an ID token that is not a JWT.");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The identity provider returned an unsigned or encrypted ID token "
                    + "(alg " + jwt.getHeader().getAlgorithm() + "); only signed ID tokens are accepted.");
        }
        JWSAlgorithm alg = signed.getHeader().getAlgorithm();
        if (!algorithms.contains(alg)) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The ID token is signed with " + alg + ", which is not allowed (allowed: "
                    + algorithms + "; never none or HMAC).");
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
            validator.validate(signed, expectedNonce);
        } catch (BadJOSEException | JOSEException | ParseException e) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The ID token from " + issuer + " is not valid: " + e.getMessage()
                    + ". Sign in again; if this repeats, check the client id and issuer in your configuration.", e);
        }
        checkAuthorizedParty(claims);
        checkTimes(claims);
        return claims;
    }

    private void checkAuthorizedParty(JWTClaimsSet claims) {
        Object azp = claims.getClaim("azp");
        if (claims.getAudience().size() > 1 && azp == null) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The ID token has several audiences " + claims.getAudience()
                    + " but no azp claim; it may not be meant for this client.");
        }
        if (azp != null && !clientId.equals(azp)) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The ID token was issued to client '" + azp + "' (azp), not to '" + clientId + "'.");
        }
    }

    private void checkTimes(JWTClaimsSet claims) {
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null || claims.getIssueTime() == null) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The ID token lacks exp or iat.");
        }
        Instant exp = claims.getExpirationTime().toInstant();
        Instant iat = claims.getIssueTime().toInstant();
        if (!now.isBefore(exp.plus(clockSkew))) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The ID token expired at " + exp + " (now " + now + "). Sign in again; "
                    + "if this repeats, check this computer's clock.");
        }
        if (iat.isAfter(now.plus(clockSkew))) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The ID token claims to be issued in the future (" + iat + ", now " + now
                    + "). Check this computer's clock.");
        }
    }
}
