package dev.xaa4j.connector.internal.grant;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorException.Kind;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The two token requests of headless agents at an MCP server's authorization server (docs/architecture.md
 * "Choosing the flow", headless modes), each one POST through {@link TokenEndpoint} with {@code resource} (RFC 8707
 * §2) and {@code scope} when non-empty:
 * <ul>
 *   <li>{@link #clientCredentials}: {@code grant_type=client_credentials} (RFC 6749 §4.4, SEP-1046) authenticated by
 *       the given {@link ClientAuth} ({@code client_secret_basic}/{@code _post}, or {@code private_key_jwt} with no
 *       {@code client_id} parameter, RFC 7523 §3);</li>
 *   <li>{@link #workload}: {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer} (RFC 7523 §2.1, SEP-1933)
 *       with a workload JWT as {@code assertion}, no client authentication, {@code client_id} only when given.</li>
 * </ul>
 * The answer is read as {@link JwtBearerGrant#parse} reads it; a refresh token is ignored (the grant is simply run
 * again). Errors: I/O, 5xx, 429 → {@link Kind#UPSTREAM_UNAVAILABLE}; for the workload grant {@code invalid_grant} →
 * {@link Kind#ACCESS_DENIED}, {@code invalid_scope}, {@code unauthorized_client} and the rest →
 * {@link Kind#CONFIGURATION}, each with a sentence for the workload's administrator; for client credentials
 * {@code invalid_client} → {@link ClientRejectedException}, {@code access_denied}/{@code invalid_grant} → ACCESS_DENIED,
 * others → CONFIGURATION. Never retried here: a refused workload JWT is not presented twice. Messages never contain
 * a secret or JWT. Thread-safe.
 */
public final class HeadlessGrant extends TokenGrant {

    public HeadlessGrant(Clock clock, Duration timeout) {
        super(clock, timeout);
    }

    /**
     * One client credentials grant.
     *
     * @param clientAuth the pre-registered client's authentication; must not be {@code none}
     * @param scopes     requested scopes, omitted from the request when empty
     * @param dpop       DPoP proofs for the request (RFC 9449 §5), or null for a Bearer token
     */
    public AccessToken clientCredentials(String server, URI tokenEndpoint, ClientAuth clientAuth, String resource,
                                         Set<String> scopes, dev.xaa4j.connector.internal.dpop.DPoPProofs dpop) {
        return post(server, () -> clientAuth.newRequest(tokenEndpoint, new ClientCredentialsGrant()), resource, scopes,
                false, dpop);
    }

    /**
     * One workload jwt-bearer grant; {@code jwt} is sent once and forgotten.
     *
     * @param clientId the configured {@code client_id}, if any (sent as a parameter; no client authentication)
     */
    public AccessToken workload(String server, URI tokenEndpoint, String jwt, Optional<String> clientId,
                                String resource, Set<String> scopes, dev.xaa4j.connector.internal.dpop.DPoPProofs dpop) {
        var grant = JwtBearerGrant.grant(jwt);
        return post(server, () -> clientId.isPresent()
                ? new TokenRequest.Builder(tokenEndpoint, new ClientID(clientId.get()), grant)
                : new TokenRequest.Builder(tokenEndpoint, grant), resource, scopes, true, dpop);
    }

    /**
     * One token request; with {@code dpop} a {@code use_dpop_nonce} answer is retried once by {@link TokenEndpoint}
     * (RFC 9449 §8: the same grant — a workload JWT is presented again only there, after the AS asked for a nonce,
     * never after a refusal).
     */
    private AccessToken post(String server, java.util.function.Supplier<TokenRequest.Builder> newRequest,
                             String resource, Set<String> scopes, boolean workload,
                             dev.xaa4j.connector.internal.dpop.DPoPProofs dpop) {
        Instant sentAt = clock.instant();
        TokenEndpoint.Outcome outcome = TokenEndpoint.post(() -> {
            TokenRequest.Builder request = newRequest.get().resources(URI.create(resource));
            if (!scopes.isEmpty()) {
                request.scope(new Scope(scopes.toArray(String[]::new)));
            }
            return request.build();
        }, timeout, "the authorization server of '" + server + "'", dpop);
        if (!outcome.ok()) {
            throw workload ? mapWorkload(server, outcome.error()) : mapClient(server, outcome.error());
        }
        return JwtBearerGrant.parse(server, outcome.json(), scopes, sentAt, dpop != null);
    }

    static ConnectorException mapWorkload(String server, ErrorObject error) {
        String code = error.getCode();
        String detail = TokenEndpoint.describe(error);
        String as = "The authorization server of '" + server + "'";
        String admin = "; this is not retried. Ask the workload's administrator to ";
        return switch (code) {
            case OAuth2Error.INVALID_GRANT_CODE -> new ConnectorException(Kind.ACCESS_DENIED, server, as
                    + " refused the workload token (" + detail + "); this is not retried. The token source must give a fresh one"
                    + " (the AS refuses an expired one, and may take each token only once), or ask the workload's"
                    + " administrator to check that the AS trusts the token's issuer and that its audience and lifetime"
                    + " are right", code, null);
            case OAuth2Error.INVALID_SCOPE_CODE -> new ConnectorException(Kind.CONFIGURATION, server, as
                    + " does not grant the requested scopes to this workload (" + detail + ")" + admin
                    + "grant the scopes to the workload or change the server's configured scopes", code, null);
            case OAuth2Error.UNAUTHORIZED_CLIENT_CODE -> new ConnectorException(Kind.CONFIGURATION, server, as
                    + " does not allow this workload the jwt-bearer grant (" + detail + ")" + admin
                    + "register the workload (or its client id) for the jwt-bearer grant", code, null);
            case OAuth2Error.ACCESS_DENIED_CODE -> new ConnectorException(Kind.ACCESS_DENIED, server, as
                    + " denied access to this workload (" + detail + ")" + admin + "grant it access", code, null);
            default -> new ConnectorException(Kind.CONFIGURATION, server, as + " refused the workload token request ("
                    + detail + ")" + admin + "check the server's workload set-up", code, null);
        };
    }

    static ConnectorException mapClient(String server, ErrorObject error) {
        String code = error.getCode();
        String detail = TokenEndpoint.describe(error);
        String as = "The authorization server of '" + server + "'";
        return switch (code) {
            case OAuth2Error.INVALID_CLIENT_CODE -> new ClientRejectedException(server, as + " does not accept this client ("
                    + detail + "); check the client id of '" + server + "' and its secret (`xaa secret set as-client-secret "
                    + server + "`) or key");
            case OAuth2Error.ACCESS_DENIED_CODE, OAuth2Error.INVALID_GRANT_CODE -> new ConnectorException(Kind.ACCESS_DENIED,
                    server, as + " denied the client credentials grant (" + detail + "); ask its administrator", code, null);
            case OAuth2Error.INVALID_SCOPE_CODE -> new ConnectorException(Kind.CONFIGURATION, server, as
                    + " does not grant the requested scopes to this client (" + detail + "); ask its administrator or "
                    + "change the server's configured scopes", code, null);
            default -> new ConnectorException(Kind.CONFIGURATION, server, as + " refused the client credentials grant ("
                    + detail + "); ask its administrator to allow this client the client_credentials grant", code, null);
        };
    }
}
