package dev.xaa4j.connector.internal.discovery;

import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import dev.xaa4j.connector.internal.grant.IdJag;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What discovery learned about one MCP server (docs/protocol.md §6).
 *
 * @param serverUrl          the canonicalised MCP server URL we were given
 * @param resource           PRM {@code resource}, used verbatim as the token-exchange {@code resource}
 * @param authorizationServer the chosen AS's metadata; its {@code issuer} is the token-exchange
 *                           {@code audience}, copied byte for byte
 * @param scopesSupported    PRM {@code scopes_supported} (may be empty)
 * @param challengedScope    the {@code scope} of the 401 {@code WWW-Authenticate} challenge, if any
 * @param resourceMetadataUrl where the PRM came from ({@code null} for {@link Source#LEGACY_METADATA} and
 *                           {@link Source#LEGACY_DEFAULTS})
 * @param source             how the authorization server was found
 */
public record ServerMetadata(URI serverUrl, String resource, AuthorizationServerMetadata authorizationServer,
                             List<String> scopesSupported, Optional<String> challengedScope,
                             URI resourceMetadataUrl, Source source) {

    /** How the authorization server of a server was found (MCP authorization, "Authorization Server Discovery"). */
    public enum Source {
        /** RFC 9728 protected resource metadata named it (2025-06-18 and later). */
        PRM,
        /** No PRM: RFC 8414 metadata at the server's origin (the 2025-03-26 revision). */
        LEGACY_METADATA,
        /** No PRM and no metadata: the default endpoints {@code /authorize}, {@code /token}, {@code /register} at the origin (2025-03-26). */
        LEGACY_DEFAULTS
    }

    /** Metadata found through protected resource metadata ({@link Source#PRM}). */
    public ServerMetadata(URI serverUrl, String resource, AuthorizationServerMetadata authorizationServer,
                          List<String> scopesSupported, Optional<String> challengedScope, URI resourceMetadataUrl) {
        this(serverUrl, resource, authorizationServer, scopesSupported, challengedScope, resourceMetadataUrl, Source.PRM);
    }

    /** RFC 7523 §2.1: the JWT bearer grant type, with which an AS redeems ID-JAGs. */
    static final String JWT_BEARER = GrantType.JWT_BEARER.getValue();
    /** draft-ietf-oauth-identity-assertion-authz-grant §6: AS metadata grant profile (one definition: {@link IdJag}). */
    static final String ID_JAG_PROFILE = IdJag.GRANT_PROFILE;

    /**
     * Why this server's authorization server cannot take Enterprise-Managed Authorization, as a sentence that says
     * what to do; empty when it redeems ID-JAGs: {@code authorization_grant_profiles_supported} lists the ID-JAG
     * profile, or — when {@code forcedEma} (the server is configured as enterprise-managed) and the field is
     * absent — {@code grant_types_supported} lists the jwt-bearer grant (MCP-AUTH flow choice, docs/architecture.md
     * "Choosing the flow").
     */
    public Optional<String> emaProblem(boolean forcedEma) {
        URI server = serverUrl;
        String issuer = asIssuer();
        List<GrantType> grants = authorizationServer.getGrantTypes();
        Object profiles = authorizationServer.getCustomParameter("authorization_grant_profiles_supported");
        if (profiles instanceof List<?> l && l.contains(ID_JAG_PROFILE)) {
            return Optional.empty();
        }
        if (grants == null || grants.stream().noneMatch(g -> g.getValue().equals(JWT_BEARER))) {
            return Optional.of("The authorization server " + issuer + " of " + server + " does not accept "
                    + "the JWT bearer grant (" + JWT_BEARER + "), so it cannot take enterprise-managed (ID-JAG) sign-in. "
                    + "Ask the server's administrator to enable enterprise-managed authorization.");
        }
        if (profiles != null) {
            return Optional.of("The authorization server " + issuer + " of " + server + " lists "
                    + "authorization_grant_profiles_supported without " + ID_JAG_PROFILE + ", so it does not accept "
                    + "ID-JAGs. Ask the server's administrator to enable enterprise-managed authorization.");
        }
        if (!forcedEma) {
            return Optional.of("The authorization server " + issuer + " of " + server + " does not list the ID-JAG "
                    + "grant profile (" + ID_JAG_PROFILE + " in authorization_grant_profiles_supported). If your "
                    + "administrator says the server is enterprise-managed, set its auth to ema.");
        }
        return Optional.empty();
    }

    /**
     * Why the plain MCP authorization flow cannot be used with this server, if it cannot: the authorization server
     * must announce PKCE {@code S256} in {@code code_challenge_methods_supported} (MCP authorization "Authorization
     * Code Protection"; absent means refuse), except with {@link Source#LEGACY_DEFAULTS}, where no metadata exists.
     */
    public Optional<String> plainOAuthProblem() {
        if (source == Source.LEGACY_DEFAULTS) {
            return Optional.empty();
        }
        List<CodeChallengeMethod> pkce = authorizationServer.getCodeChallengeMethods();
        if (pkce == null || !pkce.contains(CodeChallengeMethod.S256)) {
            return Optional.of("The authorization server " + asIssuer() + " of " + serverUrl + " does not announce PKCE "
                    + "with S256 (code_challenge_methods_supported), so signing in to it would be unsafe and is refused. "
                    + "Ask the server's administrator to enable PKCE S256.");
        }
        return Optional.empty();
    }

    public String asIssuer() {
        return authorizationServer.getIssuer().getValue();
    }

    public URI asTokenEndpoint() {
        return authorizationServer.getTokenEndpointURI();
    }
}
