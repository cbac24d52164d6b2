package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import dev.xaa4j.sample.policy.Policy;

/** Handles one grant type at the token endpoint, for a client that has already authenticated. */
interface GrantHandler {

    /**
     * @return the success response (with {@code Cache-Control: no-store})
     * @throws GrantRejected with the RFC 6749 §5.2 error to send
     */
    HTTPResponse handle(TokenRequest request, Policy.IdpClient client) throws GrantRejected;

    /**
     * As {@link #handle(TokenRequest, Policy.IdpClient)} for a request that carried a valid DPoP proof (RFC 9449),
     * {@code proofKey} its key's thumbprint. Grants that bind nothing ignore it (the default).
     */
    default HTTPResponse handle(TokenRequest request, Policy.IdpClient client,
                                java.util.Optional<com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation> proofKey)
            throws GrantRejected {
        return handle(request, client);
    }
}
