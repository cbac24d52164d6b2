package dev.xaa4j.connector.internal.grant;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.store.IdpSession;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import net.minidev.json.JSONObject;

/**
 * The IdP {@code refresh_token} grant that renews the ID token (docs/protocol.md §4 step 3, §3.1 "after a
 * refresh").
 *
 * <p>Refresh-token hygiene (§4, RFC 9700): when the IdP rotates the refresh token, the new session is
 * persisted through {@code persist} <em>before</em> this method returns, so the old refresh token is replaced
 * in the store by the same write and never used again. The new ID token is validated without a nonce and
 * must keep the original {@code iss}, {@code sub} and {@code aud}. {@code invalid_grant} means the refresh
 * token is dead: the session is deleted and {@link ConnectorException.Kind#SIGN_IN_REQUIRED} thrown. A refresh that returns no
 * {@code id_token} (OpenID Connect Core §12.2) is persisted with {@link IdpSession#idTokenRenewable()}
 * {@code false}; one that returns an ID token makes it {@code true} again. The caller serialises
 * refreshes across processes (lock + re-read of the store, see {@code token.SessionIdTokenProvider}).
 */
public final class IdpRefresh extends TokenGrant {

    /** Validates a refreshed ID token (signature, iss, aud, exp …; no nonce) and returns its claims. */
    @FunctionalInterface
    public interface IdTokenCheck {
        JWTClaimsSet verify(String idToken);
    }

    public IdpRefresh(Clock clock, Duration timeout) {
        super(clock, timeout);
    }

    /**
     * @param persist       saves the new session (called before returning, on success only)
     * @param deleteSession forgets the session when the refresh token is dead
     * @return the new, already persisted session
     */
    public IdpSession refresh(IdpSession current, URI idpTokenEndpoint, ClientAuth clientAuth, IdTokenCheck check,
                              Consumer<IdpSession> persist, Runnable deleteSession) {
        String refreshToken = current.refreshToken().orElseThrow(() -> new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED,
                "Your sign-in has expired and the IdP gave no refresh token; sign in again"));
        var request = clientAuth.newRequest(idpTokenEndpoint, new RefreshTokenGrant(new RefreshToken(refreshToken))).build();
        TokenEndpoint.Outcome outcome = TokenEndpoint.post(request, timeout, "the IdP");
        if (!outcome.ok()) {
            String code = outcome.error().getCode();
            if (code.equals(OAuth2Error.INVALID_GRANT_CODE)) {
                deleteSession.run();
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "Your IdP session has ended ("
                        + TokenEndpoint.describe(outcome.error()) + "); sign in again", code, null);
            }
            if (code.equals(OAuth2Error.INVALID_CLIENT_CODE) || code.equals(OAuth2Error.UNAUTHORIZED_CLIENT_CODE)) {
                throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The IdP does not accept this connector's client credentials ("
                        + TokenEndpoint.describe(outcome.error()) + ")", code, null);
            }
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The IdP refused to refresh the session ("
                    + TokenEndpoint.describe(outcome.error()) + ")", code, null);
        }
        JSONObject json = outcome.json();
        String rotated = TokenEndpoint.string(json, "refresh_token");
        Optional<String> nextRefresh = rotated == null || rotated.isBlank() ? current.refreshToken() : Optional.of(rotated);
        String idToken = TokenEndpoint.string(json, "id_token");
        IdpSession next;
        if (idToken == null || idToken.isBlank()) {
            // No new ID token (allowed by OIDC §12.2). Keep the rotated refresh token anyway, and record that
            // refreshing does not renew the ID token: the session is not renewable (status, doctor).
            next = new IdpSession(current.issuer(), current.clientId(), current.subject(), current.idToken(),
                    current.idTokenExpiresAt(), nextRefresh, current.authTime(), false);
            persist.accept(next);
            if (!next.idTokenExpiresAt().isAfter(clock.instant())) {
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The IdP refreshed the session without a new ID token; sign in again");
            }
            return next;
        }
        JWTClaimsSet claims;
        try {
            claims = check.verify(idToken);
            if (!current.issuer().equals(claims.getIssuer()) || !current.subject().equals(claims.getSubject())
                    || claims.getAudience() == null || !claims.getAudience().contains(current.clientId())) {
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "The IdP returned an ID token for a different user or client on"
                        + " refresh; sign in again");
            }
        } catch (RuntimeException e) {
            if (rotated != null && !rotated.isBlank()) {
                // The old refresh token is spent either way: keep the rotated one.
                persist.accept(new IdpSession(current.issuer(), current.clientId(), current.subject(),
                        current.idToken(), current.idTokenExpiresAt(), nextRefresh, current.authTime(),
                        current.idTokenRenewable()));
            }
            throw e;
        }
        next = new IdpSession(current.issuer(), current.clientId(), current.subject(), idToken,
                claims.getExpirationTime().toInstant(), nextRefresh, current.authTime());
        persist.accept(next); // persisted before the old refresh token is dropped by the caller
        return next;
    }
}
