package dev.xaa4j.connector.internal.oauth;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.grant.ClientRejectedException;
import dev.xaa4j.connector.internal.grant.OAuthTokens;
import dev.xaa4j.connector.internal.grant.ServerTokenGrant;
import dev.xaa4j.connector.internal.dpop.DPoPProofs;
import dev.xaa4j.connector.internal.signin.BrowserLauncher;
import dev.xaa4j.connector.internal.signin.LoopbackReceiver;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One authorization request of plain MCP authorization and the redemption of its code (MCP authorization
 * "Authorization Code Protection", "Resource Parameter Implementation"; RFC 6749 §4.1, RFC 7636, RFC 8252, RFC 8707):
 * a fresh PKCE S256 {@code code_verifier} and a 256-bit {@code state}; the loopback receiver opened first (its
 * {@code redirect_uri} is the one a dynamic registration names); {@code response_type=code}, {@code client_id},
 * {@code redirect_uri}, {@code scope} (omitted when empty), {@code state}, {@code code_challenge},
 * {@code code_challenge_method=S256} and {@code resource} = the PRM {@code resource} verbatim, no {@code prompt};
 * the {@link BrowserLauncher} shows it; the response is checked by {@link AuthorizationResponse} and only then the
 * code is redeemed. Blocks the calling thread until the receiver answers or times out. Thread-safe.
 */
final class AuthorizationFlow {

    /** What a completed flow yields: the client it ran as and the tokens. */
    record Result(OAuthClient client, OAuthTokens tokens) {
    }

    private final ClientIdentification clients;
    private final ServerTokenGrant grant;
    private final BrowserLauncher launcher;
    private final Duration timeout;
    private final DPoPProofs dpop; // null: DPoP off

    /** @param dpop the installation's DPoP proofs, used where the AS advertises ES256; null when DPoP is off */
    AuthorizationFlow(ClientIdentification clients, ServerTokenGrant grant, BrowserLauncher launcher, Duration timeout,
                      DPoPProofs dpop) {
        this.dpop = dpop;
        this.clients = clients;
        this.grant = grant;
        this.launcher = launcher;
        this.timeout = timeout;
    }

    /** @param scopes the {@code scope} to request, in order; empty = omit the parameter */
    Result run(ServerConfig server, ServerMetadata meta, Set<String> scopes) {
        AuthorizationServerMetadata as = meta.authorizationServer();
        requireCodeFlow(server, meta);
        CodeVerifier verifier = new CodeVerifier();
        State state = new State();
        boolean issRequired = as.supportsAuthorizationResponseIssuerParam() && meta.source() == ServerMetadata.Source.PRM;
        AtomicReference<OAuthClient> client = new AtomicReference<>();
        AtomicReference<URI> redirect = new AtomicReference<>();
        LoopbackReceiver<OAuthTokens> receiver = LoopbackReceiver.open("127.0.0.1", timeout,
                params -> state.getValue().equals(AuthorizationResponse.first(params, "state")),
                params -> {
                    AuthorizationCode code = AuthorizationResponse.code(server.name(), params, meta.asIssuer(), issRequired);
                    return grant.redeemCode(server.name(), as.getTokenEndpointURI(), client.get().clientAuth(), code,
                            redirect.get(), verifier, meta.resource(), scopes, dpop == null ? null : dpop.ifAdvertised(as));
                });
        try {
            redirect.set(receiver.redirectUri());
            client.set(clients.identify(server, meta, receiver.redirectUri()));
            URI request = new AuthorizationRequest.Builder(ResponseType.CODE, new ClientID(client.get().clientId()))
                    .endpointURI(as.getAuthorizationEndpointURI())
                    .redirectionURI(receiver.redirectUri())
                    .scope(scopes.isEmpty() ? null : new Scope(scopes.toArray(String[]::new)))
                    .state(state)
                    .codeChallenge(verifier, CodeChallengeMethod.S256)
                    .resource(URI.create(meta.resource()))
                    .build()
                    .toURI();
            launcher.open(request);
            return new Result(client.get(), receiver.result().get());
        } catch (IOException e) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, server.name(), "Cannot open the browser to sign in to '"
                    + server.name() + "' (" + e.getMessage() + ").", null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, server.name(), "The sign-in to '" + server.name()
                    + "' was cancelled.", null, e);
        } catch (CancellationException e) {
            throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, server.name(), "The sign-in to '" + server.name()
                    + "' was cancelled.", null, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClientRejectedException rejected) {
                clients.rejected(client.get());
                throw rejected;
            }
            throw e.getCause() instanceof ConnectorException c ? c : new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED,
                    server.name(), "The sign-in to '" + server.name() + "' failed: " + e.getCause().getClass().getSimpleName(), null, e.getCause());
        } finally {
            receiver.close();
        }
    }

    /** An authorization and a token endpoint, and S256 PKCE where metadata exists (2025-03-26 fallbacks excepted). */
    private static void requireCodeFlow(ServerConfig server, ServerMetadata meta) {
        AuthorizationServerMetadata as = meta.authorizationServer();
        if (as.getAuthorizationEndpointURI() == null || as.getTokenEndpointURI() == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server.name(), "The authorization server "
                    + meta.asIssuer() + " of '" + server.name() + "' has no authorization or token endpoint, so nobody can "
                    + "sign in to it; tell the server's administrator.", null, null);
        }
        if (meta.source() == ServerMetadata.Source.PRM && (as.getCodeChallengeMethods() == null
                || !as.getCodeChallengeMethods().contains(CodeChallengeMethod.S256))) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server.name(), "The authorization server "
                    + meta.asIssuer() + " of '" + server.name() + "' does not advertise PKCE S256 "
                    + "(code_challenge_methods_supported), which MCP requires; tell the server's administrator.", null, null);
        }
    }
}
