package dev.xaa4j.sample.idp;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.dpop.JWKThumbprintConfirmation;
import dev.xaa4j.sample.dpop.DPoPModes;
import dev.xaa4j.sample.dpop.DPoPRejected;
import dev.xaa4j.sample.dpop.DPoPVerifier;
import dev.xaa4j.sample.http.Http;
import dev.xaa4j.sample.policy.Policy;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /token} (RFC 6749 §3.2): parses the request with Nimbus, requires client authentication for
 * every grant (all clients of the sample IdP are confidential; docs/protocol.md §3.2 step 1), and dispatches to
 * the handler for the grant type. Unauthenticated → {@code invalid_client} (401); unknown grant type →
 * {@code unsupported_grant_type}. A DPoP proof (RFC 9449), if sent, is checked first (a bad one is
 * {@code invalid_dpop_proof}, audit event {@code dpop}); token exchange binds the ID-JAG to its key.
 */
final class TokenServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(TokenServlet.class);

    private final TokenEndpointRequests requests;
    private final Map<GrantType, GrantHandler> handlers;
    private final DPoPVerifier dpop;
    private final URI endpoint;

    /** @param dpop checks a DPoP proof ({@code htu} = {@code endpoint}) before anything else, so a nonce retry spends nothing */
    TokenServlet(TokenEndpointRequests requests, Map<GrantType, GrantHandler> handlers, DPoPVerifier dpop,
                 URI endpoint) {
        this.dpop = dpop;
        this.endpoint = endpoint;
        this.requests = requests;
        this.handlers = Map.copyOf(handlers);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<JWKThumbprintConfirmation> proofKey;
        try {
            proofKey = dpop.atTokenEndpoint(req, endpoint, DPoPModes.Side.IDP);
        } catch (DPoPRejected e) {
            requests.audit().record("dpop", null, null, null, null, null, null, "deny", e.reason());
            LOG.info("token request rejected: {}", e.reason());
            DPoPVerifier.answerTokenRequest(resp, e);
            return;
        }
        Optional<TokenEndpointRequests.Accepted<TokenRequest>> accepted = requests.accept(req, resp,
                TokenRequest::parse, r -> event(r.getAuthorizationGrant().getType()));
        if (accepted.isEmpty()) {
            return;
        }
        TokenRequest request = accepted.get().request();
        Policy.IdpClient client = accepted.get().client();
        GrantType grantType = request.getAuthorizationGrant().getType();
        GrantHandler handler = handlers.get(grantType);
        if (handler == null) {
            Http.tokenError(resp, OAuth2Error.UNSUPPORTED_GRANT_TYPE,
                    "grant_type " + grantType + " is not supported by this IdP");
            return;
        }
        try {
            Http.nimbus(resp, handler.handle(request, client, proofKey));
        } catch (GrantRejected e) {
            LOG.info("token request ({}) from client {} rejected: {} ({})", grantType, client.clientId(),
                    e.error().getCode(), e.description());
            Http.tokenError(resp, e.error(), e.description());
        }
    }

    private static String event(GrantType type) {
        if (GrantType.REFRESH_TOKEN.equals(type)) {
            return "refresh";
        }
        if (GrantType.TOKEN_EXCHANGE.equals(type)) {
            return "token-exchange";
        }
        return GrantType.AUTHORIZATION_CODE.equals(type) ? "authorization-code" : type.getValue();
    }
}
