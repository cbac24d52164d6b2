package dev.xaa4j.connector.token;

import dev.xaa4j.connector.AccessDeniedException;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.discovery.ServerMetadata;
import dev.xaa4j.connector.grant.AssertionRejectedException;
import dev.xaa4j.connector.grant.ClientAuth;
import dev.xaa4j.connector.grant.ClientAuthFactory;
import dev.xaa4j.connector.grant.IdJag;
import dev.xaa4j.connector.grant.IdJagExchange;
import dev.xaa4j.connector.grant.JwtBearerGrant;
import dev.xaa4j.connector.grant.ScopeRejectedException;
import dev.xaa4j.connector.grant.SubjectTokenRejectedException;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The renewal chain of PROTOCOL.md §4 for one server: discovery (cached by the resolver) → ID token from the
 * {@link IdTokenProvider} → token exchange at the IdP ({@link IdJagExchange}) → jwt-bearer at the AS
 * ({@link JwtBearerGrant}) with a fresh ID-JAG every time. With discovery cached and a valid ID token this
 * is exactly two HTTP round trips.
 *
 * <p>Retries of PROTOCOL.md §5: the IdP rejecting the subject token → renew the ID token and exchange once
 * more; the AS rejecting the ID-JAG → exchange again for a new ID-JAG and redeem once more. A repeat of
 * either becomes {@link AccessDeniedException}. {@code invalid_scope} from either party → one retry without
 * {@code scope}.
 */
public final class XaaTokenFetcher implements TokenFetcher {

    private final String idpIssuer;
    private final Supplier<URI> idpTokenEndpoint;
    private final ClientAuth idpAuth;
    private final Map<String, ServerConfig> servers;
    private final Function<ServerConfig, ServerMetadata> discovery;
    private final ClientCredentialsSource credentials;
    private final IdTokenProvider idTokens;
    private final IdJagExchange exchange;
    private final JwtBearerGrant jwtBearer;

    public XaaTokenFetcher(String idpIssuer, Supplier<URI> idpTokenEndpoint, ClientAuth idpAuth,
                           Map<String, ServerConfig> servers, Function<ServerConfig, ServerMetadata> discovery,
                           ClientCredentialsSource credentials, IdTokenProvider idTokens, IdJagExchange exchange,
                           JwtBearerGrant jwtBearer) {
        this.idpIssuer = idpIssuer;
        this.idpTokenEndpoint = idpTokenEndpoint;
        this.idpAuth = idpAuth;
        this.servers = Map.copyOf(servers);
        this.discovery = discovery;
        this.credentials = credentials;
        this.idTokens = idTokens;
        this.exchange = exchange;
        this.jwtBearer = jwtBearer;
    }

    @Override
    public Fetched fetch(String server, Set<String> extraScopes) {
        ServerConfig config = servers.get(server);
        ServerMetadata meta = discovery.apply(config);
        Set<String> scopes = new TreeSet<>(config.scopes());
        scopes.addAll(extraScopes);
        TokenKey key = new TokenKey(idpIssuer, meta.asIssuer(), meta.resource(), String.join(" ", scopes));
        ClientAuth asAuth = ClientAuthFactory.create(config.asAuthMethod(), meta.asIssuer(), config.asClientId(),
                credentials);

        IdJag idJag = exchange(server, meta, scopes);
        AccessToken token;
        try {
            token = jwtBearer.redeem(server, meta.asTokenEndpoint(), asAuth, idJag, meta.resource());
        } catch (ScopeRejectedException scopeRejected) {
            if (idJag.scopes().isEmpty()) {
                throw scopeRejected;
            }
            // §5: retry once without scope (the AS then grants the ID-JAG's scope), with a fresh ID-JAG
            token = jwtBearer.redeem(server, meta.asTokenEndpoint(), asAuth, exchange(server, meta, scopes),
                    meta.resource(), false);
        } catch (AssertionRejectedException first) {
            IdJag again = exchange(server, meta, scopes); // never re-present an ID-JAG
            try {
                token = jwtBearer.redeem(server, meta.asTokenEndpoint(), asAuth, again, meta.resource());
            } catch (AssertionRejectedException second) {
                throw new AccessDeniedException(server, second.getMessage()
                        + "; it did so twice, so access is denied (ask your administrator to check the server's"
                        + " trust in your IdP and the client registration)");
            }
        }
        return new Fetched(token, key);
    }

    private IdJag exchange(String server, ServerMetadata meta, Set<String> scopes) {
        try {
            return exchangeOnce(server, meta, scopes);
        } catch (ScopeRejectedException e) {
            if (scopes.isEmpty()) {
                throw e;
            }
            return exchangeOnce(server, meta, Set.of()); // §5: retry once without scope
        }
    }

    private IdJag exchangeOnce(String server, ServerMetadata meta, Set<String> scopes) {
        String idToken = idTokens.idToken();
        URI endpoint = idpTokenEndpoint.get();
        try {
            return exchange.exchange(server, endpoint, idpAuth, idToken, meta.asIssuer(), meta.resource(), scopes);
        } catch (SubjectTokenRejectedException first) {
            String renewed = idTokens.renewAfterRejection(idToken);
            try {
                return exchange.exchange(server, endpoint, idpAuth, renewed, meta.asIssuer(), meta.resource(), scopes);
            } catch (SubjectTokenRejectedException second) {
                throw new AccessDeniedException(server, "Your IdP refused access to the MCP server '" + server
                        + "' (" + second.getMessage() + "); your access may have been revoked");
            }
        }
    }
}
