package dev.xaa4j.sample.as;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.id.Issuer;
import dev.xaa4j.sample.dpop.DPoPVerifier;
import dev.xaa4j.sample.http.Http;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * {@code GET /.well-known/oauth-authorization-server} (RFC 8414) for the MCP authorization server. Advertises
 * the jwt-bearer grant with the ID-JAG profile (draft -03+), the client authentication methods and DPoP
 * ({@code dpop_signing_alg_values_supported}, RFC 9449 §5.1); it does
 * not say which IdPs are trusted (MCP EMA profile: MUST NOT).
 */
final class AsMetadataServlet extends HttpServlet {

    static final String ID_JAG_PROFILE = "urn:ietf:params:oauth:grant-profile:id-jag";

    private final String json;

    AsMetadataServlet(URI issuer, URI tokenEndpoint, URI jwksUri, List<String> scopes) {
        AuthorizationServerMetadata md = new AuthorizationServerMetadata(new Issuer(issuer.toString()));
        md.setTokenEndpointURI(tokenEndpoint);
        md.setJWKSetURI(jwksUri);
        md.setGrantTypes(List.of(GrantType.JWT_BEARER, GrantType.CLIENT_CREDENTIALS));
        md.setTokenEndpointAuthMethods(List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC,
                ClientAuthenticationMethod.CLIENT_SECRET_POST, ClientAuthenticationMethod.PRIVATE_KEY_JWT));
        md.setTokenEndpointJWSAlgs(List.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256));
        md.setScopes(new Scope(scopes.toArray(String[]::new)));
        md.setResponseTypes(List.of());
        md.setCustomParameter("authorization_grant_profiles_supported", List.of(ID_JAG_PROFILE));
        md.setCustomParameter("client_id_metadata_document_supported", false);
        md.setDPoPJWSAlgs(DPoPVerifier.JWS_ALGORITHMS);
        this.json = md.toJSONObject().toJSONString();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Http.text(resp, 200, "application/json", json);
    }
}
