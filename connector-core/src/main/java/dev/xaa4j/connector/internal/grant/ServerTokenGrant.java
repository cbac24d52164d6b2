package dev.xaa4j.connector.internal.grant;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.dpop.DPoPProofs;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The two token requests of plain MCP authorization at an MCP server's authorization server (MCP authorization
 * "Token Requests"): the authorization code grant with PKCE (RFC 6749 §4.1.3, RFC 7636 §4.5) and the refresh token
 * grant (RFC 6749 §6), both with {@code resource} (RFC 8707 §2) and the client authentication given. The answer is
 * read as {@link JwtBearerGrant} reads it ({@code token_type} Bearer, or DPoP after a proof, optional
 * {@code expires_in}, absent {@code scope} ⇒ the requested set) plus the {@code refresh_token}, if any.
 *
 * <p>Errors: I/O, 5xx, 429, {@code temporarily_unavailable} → {@link ConnectorException.Kind#UPSTREAM_UNAVAILABLE}
 * (a refresh token is kept); {@code invalid_client} → {@link ClientRejectedException}; {@code invalid_scope} →
 * {@link ScopeRejectedException}; for a refresh {@code invalid_grant} → {@link RefreshRejectedException}; any other
 * refusal of a code → {@link ConnectorException.Kind#SIGN_IN_FAILED}, of a refresh → CONFIGURATION. Messages never
 * contain a code, verifier or token. Thread-safe.
 */
public final class ServerTokenGrant extends TokenGrant {

    public ServerTokenGrant(Clock clock, Duration timeout) {
        super(clock, timeout);
    }

    /** Redeems {@code code} (RFC 6749 §4.1.3) with its PKCE {@code verifier} and the same {@code redirectUri}. */
    public OAuthTokens redeemCode(String server, URI tokenEndpoint, ClientAuth clientAuth, AuthorizationCode code,
                                  URI redirectUri, CodeVerifier verifier, String resource, Set<String> requested) {
        return redeemCode(server, tokenEndpoint, clientAuth, code, redirectUri, verifier, resource, requested, null);
    }

    /** As above, with a DPoP proof (RFC 9449 §5) when {@code dpop} is not null. */
    public OAuthTokens redeemCode(String server, URI tokenEndpoint, ClientAuth clientAuth, AuthorizationCode code,
                                  URI redirectUri, CodeVerifier verifier, String resource, Set<String> requested,
                                  DPoPProofs dpop) {
        return post(server, tokenEndpoint, clientAuth, new AuthorizationCodeGrant(code, redirectUri, verifier),
                resource, requested, false, dpop);
    }

    /** Refreshes (RFC 6749 §6) without {@code scope}: the AS grants what the refresh token carries. */
    public OAuthTokens refresh(String server, URI tokenEndpoint, ClientAuth clientAuth, String refreshToken,
                               String resource, Set<String> granted) {
        return refresh(server, tokenEndpoint, clientAuth, refreshToken, resource, granted, null);
    }

    /**
     * As above, with a DPoP proof when {@code dpop} is not null (RFC 9449 §5: a public client's refresh token is
     * bound to the key of the request that obtained it).
     */
    public OAuthTokens refresh(String server, URI tokenEndpoint, ClientAuth clientAuth, String refreshToken,
                               String resource, Set<String> granted, DPoPProofs dpop) {
        return post(server, tokenEndpoint, clientAuth, new RefreshTokenGrant(new RefreshToken(refreshToken)),
                resource, granted, true, dpop);
    }

    private OAuthTokens post(String server, URI tokenEndpoint, ClientAuth clientAuth, AuthorizationGrant grant,
                             String resource, Set<String> requested, boolean refresh, DPoPProofs dpop) {
        Instant sentAt = clock.instant();
        TokenEndpoint.Outcome outcome = TokenEndpoint.post(() -> clientAuth.newRequest(tokenEndpoint, grant)
                .resources(URI.create(resource)).build(), timeout, "the authorization server of '" + server + "'", dpop);
        if (!outcome.ok()) {
            throw map(server, outcome.error(), refresh);
        }
        String rt = TokenEndpoint.string(outcome.json(), "refresh_token");
        return new OAuthTokens(JwtBearerGrant.parse(server, outcome.json(), requested, sentAt, dpop != null),
                Optional.ofNullable(rt).filter(s -> !s.isBlank()));
    }

    private static ConnectorException map(String server, ErrorObject error, boolean refresh) {
        String detail = TokenEndpoint.describe(error);
        String as = "The authorization server of '" + server + "'";
        return switch (error.getCode()) {
            case OAuth2Error.INVALID_CLIENT_CODE -> new ClientRejectedException(server, as + " does not accept this client ("
                    + detail + "); sign in to '" + server + "' again, or check its client id and secret");
            case OAuth2Error.INVALID_SCOPE_CODE -> new ScopeRejectedException(detail, as + " does not accept the requested scopes ("
                    + detail + ")");
            case OAuth2Error.INVALID_GRANT_CODE -> refresh
                    ? new RefreshRejectedException(server, as + " no longer accepts the stored sign-in (" + detail
                    + "); sign in to '" + server + "' again")
                    : new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, server, as + " refused the sign-in's code ("
                    + detail + "); start the sign-in again", error.getCode(), null);
            default -> new ConnectorException(refresh ? ConnectorException.Kind.CONFIGURATION : ConnectorException.Kind.SIGN_IN_FAILED,
                    server, as + " refused the token request (" + detail + "); sign in to '" + server
                    + "' again, and if this repeats ask the server's administrator", error.getCode(), null);
        };
    }
}
