package dev.xaa4j.sample.idp;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.xaa4j.sample.dpop.DPoPVerifier;
import dev.xaa4j.sample.http.Http;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * {@code GET /.well-known/openid-configuration} (OIDC Discovery 1.0 §3, RFC 8414 §2): the endpoints (with the
 * RFC 7009 {@code revocation_endpoint}), PKCE S256
 * only, the three client authentication methods, RFC 9207 {@code iss} support, token exchange in
 * {@code grant_types_supported} and {@code identity_chaining_requested_token_types_supported} listing the
 * id-jag token type (docs/protocol.md §3.2 "Metadata", §6 step 9), and {@code dpop_signing_alg_values_supported}
 * (a DPoP proof on the token exchange binds the ID-JAG, RFC 9449 §5.1).
 */
final class DiscoveryServlet extends HttpServlet {

    private final String json;

    DiscoveryServlet(URI issuer, URI jwksUri) {
        OIDCProviderMetadata m = new OIDCProviderMetadata(new Issuer(issuer.toString()),
                List.of(SubjectType.PUBLIC), jwksUri);
        m.setAuthorizationEndpointURI(URI.create(issuer + IdentityProvider.AUTHORIZE_PATH));
        m.setTokenEndpointURI(URI.create(issuer + IdentityProvider.TOKEN_PATH));
        m.setRevocationEndpointURI(URI.create(issuer + IdentityProvider.REVOCATION_PATH));
        m.setRevocationEndpointAuthMethods(List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
                ClientAuthenticationMethod.CLIENT_SECRET_POST, ClientAuthenticationMethod.PRIVATE_KEY_JWT));
        m.setResponseTypes(List.of(ResponseType.CODE));
        m.setGrantTypes(List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN, GrantType.TOKEN_EXCHANGE));
        m.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
        m.setTokenEndpointAuthMethods(List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
                ClientAuthenticationMethod.CLIENT_SECRET_POST, ClientAuthenticationMethod.PRIVATE_KEY_JWT));
        m.setTokenEndpointJWSAlgs(List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256));
        m.setScopes(new Scope("openid", "offline_access", "email", "profile"));
        m.setIDTokenJWSAlgs(List.of(JWSAlgorithm.RS256));
        m.setSupportsAuthorizationResponseIssuerParam(true);
        m.setClaims(List.of("iss", "sub", "aud", "azp", "exp", "iat", "auth_time", "nonce", "email",
                "email_verified", "name", "preferred_username"));
        m.setCustomParameter("identity_chaining_requested_token_types_supported",
                List.of(TokenExchangeHandler.ID_JAG.getURI().toString()));
        m.setDPoPJWSAlgs(DPoPVerifier.JWS_ALGORITHMS);
        this.json = m.toJSONObject().toJSONString();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Http.text(resp, 200, "application/json", json);
    }
}
