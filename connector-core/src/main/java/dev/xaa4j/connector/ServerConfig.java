package dev.xaa4j.connector;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One named MCP server (docs/protocol.md §6: everything else is discovered from its URL). Safe to write to disk:
 * it holds no secret.
 *
 * @param name           the caller's name for the server, e.g. {@code notes}
 * @param url            the MCP endpoint URL
 * @param pinnedAsIssuer if present, the only authorization server accepted for this server (§6 item 5)
 * @param scopes         scopes to request; empty = let the IdP and AS decide
 * @param asClientId     the connector's client id at the server's authorization server (§2 {@code client_id})
 * @param asAuthMethod   client authentication at the authorization server token endpoint
 * @param auth           which flow to use ({@link AuthMode#AUTO}: decided by discovery)
 * @param oauthClientId  a client id pre-registered at the server's authorization server for the plain MCP OAuth flow
 *                       (its secret, if any, comes from the {@link ClientCredentialsSource}); empty = use a Client ID
 *                       Metadata Document or dynamic client registration (MCP authorization "Client Registration");
 *                       the client of {@link AuthMode#CLIENT_CREDENTIALS} (and, when set, of {@link AuthMode#WORKLOAD})
 * @param jwtBearerScope what the EMA jwt-bearer request sends as {@code scope} ({@link JwtBearerScope#INHERIT} by default)
 * @param workloadToken  where an {@link AuthMode#WORKLOAD} server's workload JWT comes from, read fresh for every
 *                       token request and never stored: {@code file:PATH} (e.g. a Kubernetes projected service
 *                       account token) or {@code command:COMMAND ARGS…} (its standard output); empty otherwise.
 *                       Not a secret itself: it names where the secret is
 * @param jwtBearerResource whether the EMA jwt-bearer request carries {@code resource} = the server's URL (RFC 8707
 *                       §2; true by default, as MCP asks of clients). False leaves it off for an authorization server
 *                       that fails the request with it; the ID-JAG still names the resource (docs/protocol.md §1 step 3)
 */
public record ServerConfig(String name, URI url, Optional<String> pinnedAsIssuer, List<String> scopes,
                           String asClientId, ClientAuthMethod asAuthMethod, AuthMode auth,
                           Optional<String> oauthClientId, JwtBearerScope jwtBearerScope,
                           Optional<String> workloadToken, boolean jwtBearerResource) {
    public ServerConfig {
        Objects.requireNonNull(jwtBearerScope, "jwtBearerScope");
        Objects.requireNonNull(workloadToken, "workloadToken");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(oauthClientId, "oauthClientId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(pinnedAsIssuer, "pinnedAsIssuer");
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(asClientId, "asClientId");
        Objects.requireNonNull(asAuthMethod, "asAuthMethod");
    }

    /** A server whose jwt-bearer request carries {@code resource} (the default). */
    public ServerConfig(String name, URI url, Optional<String> pinnedAsIssuer, List<String> scopes,
                        String asClientId, ClientAuthMethod asAuthMethod, AuthMode auth,
                        Optional<String> oauthClientId, JwtBearerScope jwtBearerScope, Optional<String> workloadToken) {
        this(name, url, pinnedAsIssuer, scopes, asClientId, asAuthMethod, auth, oauthClientId, jwtBearerScope,
                workloadToken, true);
    }

    /** A server with the default jwt-bearer {@code scope} ({@link JwtBearerScope#INHERIT}) and no workload token. */
    public ServerConfig(String name, URI url, Optional<String> pinnedAsIssuer, List<String> scopes,
                        String asClientId, ClientAuthMethod asAuthMethod, AuthMode auth, Optional<String> oauthClientId) {
        this(name, url, pinnedAsIssuer, scopes, asClientId, asAuthMethod, auth, oauthClientId, JwtBearerScope.INHERIT,
                Optional.empty());
    }

    /** A server decided by discovery ({@link AuthMode#AUTO}) with no pre-registered plain-OAuth client. */
    public ServerConfig(String name, URI url, Optional<String> pinnedAsIssuer, List<String> scopes,
                        String asClientId, ClientAuthMethod asAuthMethod) {
        this(name, url, pinnedAsIssuer, scopes, asClientId, asAuthMethod, AuthMode.AUTO, Optional.empty());
    }

    /** A server with no pinned AS and no configured scopes. */
    public static ServerConfig of(String name, URI url, String asClientId, ClientAuthMethod asAuthMethod) {
        return new ServerConfig(name, url, Optional.empty(), List.of(), asClientId, asAuthMethod);
    }

    public ServerConfig withScopes(List<String> newScopes) {
        return new ServerConfig(name, url, pinnedAsIssuer, newScopes, asClientId, asAuthMethod, auth, oauthClientId, jwtBearerScope,
                workloadToken, jwtBearerResource);
    }

    public ServerConfig withPinnedAsIssuer(String issuer) {
        return new ServerConfig(name, url, Optional.of(issuer), scopes, asClientId, asAuthMethod, auth, oauthClientId, jwtBearerScope,
                workloadToken, jwtBearerResource);
    }

    /** This server with its flow forced (or {@link AuthMode#AUTO}). */
    public ServerConfig withAuth(AuthMode mode) {
        return new ServerConfig(name, url, pinnedAsIssuer, scopes, asClientId, asAuthMethod, mode, oauthClientId, jwtBearerScope,
                workloadToken, jwtBearerResource);
    }

    /** This server with a client id pre-registered for the plain MCP OAuth flow. */
    public ServerConfig withOAuthClientId(String clientId) {
        return new ServerConfig(name, url, pinnedAsIssuer, scopes, asClientId, asAuthMethod, auth,
                Optional.of(clientId), jwtBearerScope, workloadToken, jwtBearerResource);
    }

    /** This server with what its jwt-bearer request sends as {@code scope}. */
    public ServerConfig withJwtBearerScope(JwtBearerScope choice) {
        return new ServerConfig(name, url, pinnedAsIssuer, scopes, asClientId, asAuthMethod, auth, oauthClientId,
                choice, workloadToken, jwtBearerResource);
    }

    /**
     * This server with where its workload JWT comes from ({@code file:PATH} or {@code command:COMMAND ARGS…}; see
     * {@link AuthMode#WORKLOAD}).
     */
    public ServerConfig withWorkloadToken(String source) {
        return new ServerConfig(name, url, pinnedAsIssuer, scopes, asClientId, asAuthMethod, auth, oauthClientId,
                jwtBearerScope, Optional.of(source), jwtBearerResource);
    }

    /**
     * This server with whether its EMA jwt-bearer request carries {@code resource} (RFC 8707 §2): false for an
     * authorization server that refuses the request with it.
     */
    public ServerConfig withJwtBearerResource(boolean send) {
        return new ServerConfig(name, url, pinnedAsIssuer, scopes, asClientId, asAuthMethod, auth, oauthClientId,
                jwtBearerScope, workloadToken, send);
    }
}
