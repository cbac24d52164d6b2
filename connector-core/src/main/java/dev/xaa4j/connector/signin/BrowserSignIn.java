package dev.xaa4j.connector.signin;

import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.util.concurrent.CompletableFuture;

/**
 * CONTRACT (implemented by the sign-in work): the OIDC authorization code flow with PKCE S256, state, nonce
 * and RFC 9207 {@code iss} check (PROTOCOL.md §1 step 1); a loopback listener on 127.0.0.1, ephemeral port,
 * that serves one callback and closes; the system browser (or {@code BROWSER}); a friendly result page.
 * Cancel by cancelling the returned future.
 */
public final class BrowserSignIn {

    /**
     * Starts a sign-in. The future completes with validated tokens, or exceptionally with a
     * {@link dev.xaa4j.connector.ConnectorException} (timeout, denied at the IdP, state mismatch...).
     *
     * @param clientAuth authentication of {@code clientId} at the IdP token endpoint ({@code null} for a
     *                   public client)
     */
    public CompletableFuture<SignInResult> start(OIDCProviderMetadata idp, String clientId,
                                                 ClientAuthentication clientAuth, SignInOptions options) {
        throw new UnsupportedOperationException("not implemented yet");
    }
}
