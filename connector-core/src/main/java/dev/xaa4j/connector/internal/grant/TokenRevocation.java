package dev.xaa4j.connector.internal.grant;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import dev.xaa4j.connector.internal.http.NimbusHttp;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * RFC 7009 token revocation of the IdP refresh token at sign-out: one {@code POST} of
 * {@code token=…&token_type_hint=refresh_token} to the IdP's {@code revocation_endpoint}, authenticated as
 * the client authenticates at the token endpoint (§2.1). HTTP 200 means the token is revoked or was already
 * unknown (§2.2); anything else is reported as a problem in words that never contain the token.
 *
 * <p>Stateless and thread-safe; each call makes one request bounded by the timeout given at construction.
 */
public final class TokenRevocation {

    private final Duration timeout;

    public TokenRevocation(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Revokes {@code refreshToken} at {@code endpoint}.
     *
     * @param clientAuth the client's authentication (RFC 7009 §2.1), or {@code null} for a public client, which
     *                   then sends only its {@code client_id}
     * @return empty when the IdP answered 200; otherwise why not, for a person (never the token value)
     */
    public Optional<String> revoke(URI endpoint, ClientAuthentication clientAuth, ClientID clientId, String refreshToken) {
        return revoke(endpoint, clientAuth, clientId, new RefreshToken(refreshToken), "the IdP");
    }

    /**
     * Revokes {@code token} at {@code endpoint}; its type gives {@code token_type_hint} (a {@link RefreshToken} →
     * {@code refresh_token}, an access token → {@code access_token}, RFC 7009 §2.1).
     *
     * @param party a lower-case noun phrase naming the revocation endpoint's owner, used inside the answer
     * @return empty when the party answered 200; otherwise why not, for a person (never the token value)
     */
    public Optional<String> revoke(URI endpoint, ClientAuthentication clientAuth, ClientID clientId, Token token, String party) {
        TokenRevocationRequest request = clientAuth != null
                ? new TokenRevocationRequest(endpoint, clientAuth, token)
                : new TokenRevocationRequest(endpoint, clientId, token);
        HTTPResponse response;
        try {
            response = NimbusHttp.sendForJson(request, timeout);
        } catch (IOException e) {
            return Optional.of("no answer from " + endpoint.getHost() + " (" + e.getClass().getSimpleName() + ")");
        }
        int status = response.getStatusCode();
        if (status == 200) {
            return Optional.empty();
        }
        if (status >= 500 || status == 429) { // 503: RFC 7009 §2.2.1, try later
            return Optional.of(party + " is unavailable (HTTP " + status + ")");
        }
        try {
            ErrorObject error = ErrorObject.parse(response.getBodyAsJSONObject());
            String description = error.getDescription() == null ? "" : ": " + Redaction.scrub(error.getDescription());
            return Optional.of(party + " refused the revocation (HTTP " + status + ", " + error.getCode() + description + ")");
        } catch (ParseException notJson) {
            return Optional.of(party + " answered HTTP " + status + " without an OAuth error");
        }
    }
}
