package dev.xaa4j.connector.internal.signin;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.grant.Redaction;
import dev.xaa4j.connector.internal.http.Network;
import dev.xaa4j.connector.internal.http.NimbusHttp;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OIDC authorization code flow with PKCE S256 for a native app (docs/protocol.md §1 step 1, RFC 8252):
 *
 * <ol>
 *   <li>a fresh {@code code_verifier} (Nimbus {@link CodeVerifier}), {@code state} and {@code nonce}; scope
 *       {@code openid} + {@link SignInOptions#extraScopes()} + {@code offline_access} when the IdP lists it;</li>
 *   <li>a loopback listener (JDK {@link HttpServer}) bound to 127.0.0.1 on an ephemeral port, serving exactly
 *       one {@code GET /callback} and then closing; {@code redirect_uri=http://127.0.0.1:{port}/callback}
 *       (the IP literal RFC 8252 §7.3 recommends: no resolver, no IPv4/IPv6 ambiguity). With
 *       {@code localhost} ({@link SignInOptions#redirectHost()}, for IdPs that only accept it) the browser may
 *       resolve the name to {@code ::1} or {@code 127.0.0.1}, so the same port is also bound on {@code ::1}
 *       (when the machine has IPv6 loopback);</li>
 *   <li>the browser: {@link SignInOptions#browserCommand()}, else the {@code BROWSER} environment variable
 *       (a command; {@code %s} is replaced by the URL, else the URL is the last argument; run without a shell),
 *       else {@link java.awt.Desktop#browse} when a desktop exists, else the URL on stderr;</li>
 *   <li>the callback: {@code state} must match; {@code iss} (RFC 9207) must equal the IdP issuer when present
 *       and is required when the IdP advertises {@code authorization_response_iss_parameter_supported}; an
 *       IdP {@code error} becomes a plain-language failure;</li>
 *   <li>the code is redeemed at the token endpoint with the verifier and the given client authentication
 *       (or {@code client_id} alone for a public client); the ID token is validated by
 *       {@link IdTokenVerifier} including the nonce;</li>
 *   <li>the browser gets a short result page ("You are signed in — you can close this tab").</li>
 * </ol>
 *
 * <p>The returned future times out after {@link SignInOptions#timeout()} (default 5 min) with a
 * {@link dev.xaa4j.connector.ConnectorException.Kind#SIGN_IN_FAILED}; cancelling it closes the listener. The code, the verifier and the tokens
 * are never logged. Thread-safe: each {@link #start} is independent.
 */
public final class BrowserSignIn {

    private static final Logger LOG = LoggerFactory.getLogger(BrowserSignIn.class);
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final Clock clock;
    private final Duration httpTimeout;
    private final Map<String, String> environment;

    public BrowserSignIn() {
        this(Clock.systemUTC());
    }

    public BrowserSignIn(Clock clock) {
        this(clock, Duration.ofSeconds(10), System.getenv());
    }

    /**
     * @param httpTimeout connect/read timeout of the token request and the JWKS fetch
     * @param environment where {@code BROWSER} is looked up, and the whole environment of the browser command
     *                    (normally {@link System#getenv()}; a session owner holding secrets in its own environment
     *                    passes a copy without them, so the browser never sees them)
     */
    public BrowserSignIn(Clock clock, Duration httpTimeout, Map<String, String> environment) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.httpTimeout = Objects.requireNonNull(httpTimeout, "httpTimeout");
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /**
     * Starts a sign-in. The future completes with validated tokens, or exceptionally with a
     * {@link dev.xaa4j.connector.ConnectorException} (timeout, denied at the IdP, state mismatch...).
     *
     * @param clientAuth authentication of {@code clientId} at the IdP token endpoint ({@code null} for a
     *                   public client)
     */
    public CompletableFuture<SignInResult> start(OIDCProviderMetadata idp, String clientId,
                                                 ClientAuthentication clientAuth, SignInOptions options) {
        Objects.requireNonNull(idp, "idp");
        Objects.requireNonNull(clientId, "clientId");
        SignInOptions opts = options == null ? SignInOptions.defaults() : options;
        if (idp.getAuthorizationEndpointURI() == null || idp.getTokenEndpointURI() == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "The identity provider " + idp.getIssuer() + " has no authorization or token "
                    + "endpoint in its metadata, so interactive sign-in is impossible. Ask your identity administrator.");
        }
        String host = opts.redirectHost() == null ? "127.0.0.1" : opts.redirectHost();
        if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
            throw new IllegalArgumentException("redirectHost must be 127.0.0.1 or localhost, got " + host);
        }
        Flow flow = new Flow(idp, clientId, clientAuth, opts, host);
        flow.open();
        return flow.result;
    }

    /** One sign-in attempt: its secrets, its listener and its future. */
    private final class Flow {
        private final OIDCProviderMetadata idp;
        private final String clientId;
        private final ClientAuthentication clientAuth;
        private final SignInOptions options;
        private final String host;
        private final CodeVerifier verifier = new CodeVerifier();
        private final State state = new State();
        private final Nonce nonce = new Nonce();
        private CompletableFuture<SignInResult> result;
        private URI redirectUri;

        Flow(OIDCProviderMetadata idp, String clientId, ClientAuthentication clientAuth, SignInOptions options, String host) {
            this.idp = idp;
            this.clientId = clientId;
            this.clientAuth = clientAuth;
            this.options = options;
            this.host = host;
        }

        void open() {
            // every callback is this flow's: a state mismatch fails the sign-in (complete)
            LoopbackReceiver<SignInResult> receiver = LoopbackReceiver.open(host, options.timeout(), params -> true, this::complete);
            redirectUri = receiver.redirectUri();
            result = receiver.result();
            try {
                new SystemBrowser(options.browserCommand(), environment).open(authorizationRequest());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        URI authorizationRequest() {
            List<String> scopes = new ArrayList<>();
            scopes.add("openid");
            if (options.extraScopes() != null) {
                options.extraScopes().stream().filter(s -> !scopes.contains(s)).forEach(scopes::add);
            }
            if (idp.getScopes() != null && idp.getScopes().contains("offline_access") && !scopes.contains("offline_access")) {
                scopes.add("offline_access");
            }
            return new AuthenticationRequest.Builder(ResponseType.CODE, new Scope(scopes.toArray(String[]::new)),
                    new ClientID(clientId), redirectUri)
                    .endpointURI(idp.getAuthorizationEndpointURI())
                    .state(state)
                    .nonce(nonce)
                    .codeChallenge(verifier, CodeChallengeMethod.S256)
                    .build()
                    .toURI();
        }

        SignInResult complete(Map<String, List<String>> params) {
            String expectedIssuer = idp.getIssuer().getValue();
            if (!state.getValue().equals(first(params, "state"))) {
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, "The sign-in response does not belong to this sign-in (state mismatch). "
                        + "This can happen with an old browser tab; start the sign-in again.");
            }
            String iss = first(params, "iss");
            if (iss != null && !iss.equals(expectedIssuer)) {
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, "The sign-in response came from '" + Redaction.echo(iss) + "', not from your identity "
                        + "provider " + expectedIssuer + " (RFC 9207 mix-up defence). Start the sign-in again.");
            }
            if (iss == null && idp.supportsAuthorizationResponseIssuerParam()) {
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, "The sign-in response lacks the issuer (iss) that " + expectedIssuer
                        + " promises to send; refusing it. Start the sign-in again.");
            }
            String error = first(params, "error");
            if (error != null) {
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, null,
                        explain(Redaction.echo(error), Redaction.echo(first(params, "error_description"))), Redaction.echo(error), null);
            }
            String code = first(params, "code");
            if (code == null || code.isEmpty()) {
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, "The sign-in response carries neither a code nor an error. Start the sign-in again.");
            }
            return redeem(new AuthorizationCode(code));
        }

        SignInResult redeem(AuthorizationCode code) {
            AuthorizationCodeGrant grant = new AuthorizationCodeGrant(code, redirectUri, verifier);
            TokenRequest request = clientAuth == null
                    ? new TokenRequest(idp.getTokenEndpointURI(), new ClientID(clientId), grant)
                    : new TokenRequest(idp.getTokenEndpointURI(), clientAuth, grant);
            HTTPRequest http = request.toHTTPRequest();
            int timeout = (int) Math.max(1, Math.min(Integer.MAX_VALUE, httpTimeout.toMillis()));
            HTTPResponse response;
            try {
                response = NimbusHttp.send(http, timeout, Network.system());
            } catch (SocketTimeoutException e) {
                throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "The identity provider did not answer the sign-in within "
                        + timeout + " ms. Try again.", e);
            } catch (IOException e) {
                throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "Cannot reach the identity provider's token endpoint "
                        + idp.getTokenEndpointURI() + " (" + e.getClass().getSimpleName() + "). Try again.", e);
            }
            if (response.getStatusCode() >= 500) {
                throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "The identity provider is unavailable (HTTP "
                        + response.getStatusCode() + "). Try again in a moment.");
            }
            TokenResponse parsed;
            try {
                parsed = OIDCTokenResponseParser.parse(response);
            } catch (ParseException | IllegalArgumentException e) { // Nimbus throws the latter for some invalid values
                throw new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "The identity provider answered the sign-in with something that "
                        + "is not a token response (HTTP " + response.getStatusCode() + "). Try again.", e);
            }
            if (!parsed.indicatesSuccess()) {
                ErrorObject err = ((TokenErrorResponse) parsed).getErrorObject();
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, null, "The identity provider refused to complete the sign-in ("
                        + (err.getCode() == null ? "HTTP " + response.getStatusCode() : Redaction.echo(err.getCode()))
                        + (err.getDescription() == null ? "" : ": " + Redaction.echo(err.getDescription()))
                        + "). Start the sign-in again; if this repeats, check the client id and secret.",
                        err.getCode() == null ? null : Redaction.echo(err.getCode()), null);
            }
            OIDCTokenResponse ok = (OIDCTokenResponse) parsed.toSuccessResponse();
            String idToken = ok.getOIDCTokens().getIDTokenString();
            if (idToken == null) {
                throw new ConnectorException(ConnectorException.Kind.SIGN_IN_FAILED, "The identity provider returned no ID token; is the 'openid' scope allowed "
                        + "for this client?");
            }
            var claims = new IdTokenVerifier(idp, clientId, clock, CLOCK_SKEW, httpTimeout).verify(idToken, nonce);
            RefreshToken refresh = ok.getOIDCTokens().getRefreshToken();
            LOG.debug("Signed in to {} as {}", idp.getIssuer(), claims.getSubject()); // the caller reports the result
            return new SignInResult(idToken, claims, Optional.ofNullable(refresh).map(RefreshToken::getValue));
        }
    }

    private static String explain(String error, String description) {
        String why = switch (error) {
            case "access_denied" -> "The sign-in was declined or you are not allowed to use this application";
            case "login_required", "interaction_required", "consent_required" -> "The identity provider needs you to sign in interactively";
            case "temporarily_unavailable", "server_error" -> "The identity provider is having trouble right now";
            case "invalid_scope" -> "The identity provider does not allow the requested permissions";
            case "unauthorized_client", "invalid_request" -> "The identity provider does not accept this application's sign-in request";
            default -> "The identity provider stopped the sign-in";
        };
        return why + " (" + error + (description == null || description.isBlank() ? "" : ": " + description) + "). "
                + "Try again; if this repeats, contact your administrator.";
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
