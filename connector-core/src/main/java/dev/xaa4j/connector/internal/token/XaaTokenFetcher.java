package dev.xaa4j.connector.internal.token;

import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.JwtBearerScope;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.grant.AssertionRejectedException;
import dev.xaa4j.connector.internal.grant.ClientAuth;
import dev.xaa4j.connector.internal.grant.ClientAuthFactory;
import dev.xaa4j.connector.internal.grant.IdJag;
import dev.xaa4j.connector.internal.grant.IdJagExchange;
import dev.xaa4j.connector.internal.grant.JwtBearerGrant;
import dev.xaa4j.connector.internal.grant.RefreshSubjectRefusedException;
import dev.xaa4j.connector.internal.grant.ScopeRejectedException;
import dev.xaa4j.connector.internal.grant.SubjectTokenRejectedException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import dev.xaa4j.connector.internal.dpop.DPoPProofs;

/**
 * The renewal chain of docs/protocol.md §4 for one server: discovery (cached by the resolver) → the subject token
 * → token exchange at the IdP ({@link IdJagExchange}) → jwt-bearer at the AS ({@link JwtBearerGrant}) with a fresh
 * ID-JAG every time. The subject is the IdP refresh token when the session has one (ID-JAG draft -04 §4.3.2, first
 * choice: no ID-token refresh needed, and the IdP re-evaluates the user's current state); a refusal of it makes that
 * exchange use the ID token from the {@link IdTokenProvider} (renewed by the IdP refresh grant as before, which ends the
 * session when the refresh token is dead), and an IdP that does not take refresh tokens as subject
 * ({@code unsupported_*}, or {@code invalid_request} where the ID token then worked) is remembered as taking none.
 * With discovery cached this is exactly two HTTP round trips.
 *
 * <p>The IdP side of the chain (the ID token, usually a keyring read, and the IdP's token endpoint from its
 * discovery) does not depend on the server's metadata, so it runs on {@code idpSide} while the server is
 * discovered on the calling thread: on a first renewal both are network or D-Bus round trips. Failures are
 * reported in the sequential order all the same (the server's discovery first, then the ID token, then the
 * IdP's metadata), each failure once.
 *
 * <p>Retries of docs/protocol.md §5: the IdP rejecting the subject token → renew the ID token and exchange once
 * more; a repeat is classified by its code ({@code invalid_request} → {@link ConnectorException.Kind#CONFIGURATION}: the IdP
 * does not take ID tokens as subject_token; {@code invalid_grant} → {@link ConnectorException.Kind#ACCESS_DENIED}). The AS
 * rejecting the ID-JAG → exchange again for a new ID-JAG and redeem once more; a repeat becomes
 * {@link ConnectorException.Kind#ACCESS_DENIED}. {@code invalid_scope} from either party → one retry without {@code scope},
 * except for step-up scopes → {@link ScopeDeniedException} naming them and the party that refused them.
 */
public final class XaaTokenFetcher implements TokenFetcher {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(XaaTokenFetcher.class);

    /**
     * The OAuth error code carried by the {@link ConnectorException.Kind#CONFIGURATION} error "your IdP does not issue
     * ID-JAGs for ID tokens" (the IdP's own code, RFC 8693 §2.2.2): the enterprise flow is unsupported there.
     */
    static final String NO_ID_JAGS_FOR_ID_TOKENS = "invalid_request";

    private final String idpIssuer;
    private final Supplier<URI> idpTokenEndpoint;
    private final ClientAuth idpAuth;
    private final Map<String, ServerConfig> servers;
    private final Function<ServerConfig, ServerMetadata> discovery;
    private final ClientCredentialsSource credentials;
    private final IdTokenProvider idTokens;
    private final IdJagExchange exchange;
    private final JwtBearerGrant jwtBearer;
    private final Executor idpSide;
    /**
     * The IdP does not take refresh tokens as subject ({@link RefreshSubjectRefusedException}: an {@code unsupported_*}
     * answer, or {@code invalid_request} where the ID token then worked): remembered for this fetcher's lifetime (one
     * IdP per connector, so per connector and process; not persisted).
     */
    private volatile boolean noRefreshTokenSubject;
    private final DPoPProofs dpop; // null: DPoP off
    private final BooleanSupplier idpAdvertisesDpop;

    /** As the full constructor, with the IdP side on a new daemon thread per renewal. */
    public XaaTokenFetcher(String idpIssuer, Supplier<URI> idpTokenEndpoint, ClientAuth idpAuth,
                           Map<String, ServerConfig> servers, Function<ServerConfig, ServerMetadata> discovery,
                           ClientCredentialsSource credentials, IdTokenProvider idTokens, IdJagExchange exchange,
                           JwtBearerGrant jwtBearer) {
        this(idpIssuer, idpTokenEndpoint, idpAuth, servers, discovery, credentials, idTokens, exchange, jwtBearer,
                task -> DaemonThreads.start(task, "xaa4j-renewal-idp"));
    }

    /**
     * @param idpSide runs the IdP side of a renewal (ID token, IdP token endpoint) while the server is
     *                discovered; a direct executor ({@code Runnable::run}) makes the chain strictly sequential
     */
    public XaaTokenFetcher(String idpIssuer, Supplier<URI> idpTokenEndpoint, ClientAuth idpAuth,
                           Map<String, ServerConfig> servers, Function<ServerConfig, ServerMetadata> discovery,
                           ClientCredentialsSource credentials, IdTokenProvider idTokens, IdJagExchange exchange,
                           JwtBearerGrant jwtBearer, Executor idpSide) {
        this(idpIssuer, idpTokenEndpoint, idpAuth, servers, discovery, credentials, idTokens, exchange, jwtBearer,
                idpSide, null, () -> false);
    }

    /**
     * @param dpop              the installation's DPoP proofs (docs/architecture.md "DPoP"), or null when DPoP is off
     * @param idpAdvertisesDpop whether the IdP's metadata lists ES256 in {@code dpop_signing_alg_values_supported}:
     *                          then the exchange carries a proof and the ID-JAG may come back bound ({@code cnf.jkt})
     */
    public XaaTokenFetcher(String idpIssuer, Supplier<URI> idpTokenEndpoint, ClientAuth idpAuth,
                           Map<String, ServerConfig> servers, Function<ServerConfig, ServerMetadata> discovery,
                           ClientCredentialsSource credentials, IdTokenProvider idTokens, IdJagExchange exchange,
                           JwtBearerGrant jwtBearer, Executor idpSide, DPoPProofs dpop, BooleanSupplier idpAdvertisesDpop) {
        this.dpop = dpop;
        this.idpAdvertisesDpop = idpAdvertisesDpop;
        this.idpSide = idpSide;
        this.idpIssuer = idpIssuer;
        this.idpTokenEndpoint = idpTokenEndpoint;
        this.idpAuth = idpAuth;
        this.servers = servers; // read on every renewal: the connector's live view (servers come and go)
        this.discovery = discovery;
        this.credentials = credentials;
        this.idTokens = idTokens;
        this.exchange = exchange;
        this.jwtBearer = jwtBearer;
    }

    @Override
    public Fetched fetch(String server, Set<String> extraScopes) {
        return fetch(server, extraScopes, Set.of());
    }

    @Override
    public Fetched fetch(String server, Set<String> extraScopes, Set<String> stepUpScopes) {
        ServerConfig config = servers.get(server);
        if (config == null) { // removed from the configuration while this renewal was scheduled
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, "No MCP server named '" + server + "' is configured");
        }
        CompletableFuture<Void> idp = CompletableFuture.runAsync(() -> {
            if (noRefreshTokenSubject || !idTokens.hasRefreshToken()) {
                idTokens.idToken(); // with a refresh-token subject the ID token is not needed (nor refreshed)
            }
            idpTokenEndpoint.get();
        }, idpSide);
        ServerMetadata meta = discovery.apply(config);
        awaitIdpSide(idp);
        Set<String> scopes = new TreeSet<>(config.scopes());
        scopes.addAll(extraScopes);
        TokenKey key = new TokenKey(idpIssuer, meta.asIssuer(), meta.resource(), String.join(" ", scopes));
        ClientAuth asAuth = ClientAuthFactory.create(config.asAuthMethod(), meta.asIssuer(), config.asClientId(),
                credentials);

        IdJag idJag = exchange(server, meta, scopes, stepUpScopes);
        AccessToken token;
        try {
            token = redeem(server, config, meta, asAuth, idJag, jwtBearerScope(config, idJag, scopes));
        } catch (ScopeRejectedException scopeRejected) {
            if (!stepUpScopes.isEmpty()) {
                throw new ScopeDeniedException(server, stepUpScopes, "The authorization server of '" + server
                        + "' does not grant scope" + (stepUpScopes.size() > 1 ? "s " : " ") + quoted(stepUpScopes)
                        + " (" + scopeRejected.detail() + "), though your IdP did; the MCP server requires it for"
                        + " this request. Ask your administrator to check the server's scope configuration");
            }
            if (jwtBearerScope(config, idJag, scopes).isEmpty()) {
                throw scopeRejected; // no scope was sent: nothing to leave out
            }
            // §5: retry once without scope (the AS then grants the ID-JAG's scope), with a fresh ID-JAG
            token = redeem(server, config, meta, asAuth, exchange(server, meta, scopes, stepUpScopes), Set.of());
        } catch (AssertionRejectedException first) {
            IdJag again = exchange(server, meta, scopes, stepUpScopes); // never re-present an ID-JAG
            try {
                token = redeem(server, config, meta, asAuth, again, jwtBearerScope(config, again, scopes));
            } catch (AssertionRejectedException second) {
                throw new ConnectorException(ConnectorException.Kind.ACCESS_DENIED,server, second.getMessage()
                        + "; it did so twice, so access is denied (ask your administrator to check the server's"
                        + " trust in your IdP and the client registration)", second.oauthError().orElse(null), null);
            }
        }
        return new Fetched(token, key);
    }

    /**
     * The jwt-bearer request's {@code scope} per the server's {@link JwtBearerScope}: the ID-JAG's granted scope
     * (INHERIT), the requested scopes = configured ∪ step-up (SEND), or none (OMIT; empty = no parameter).
     */
    private static Set<String> jwtBearerScope(ServerConfig config, IdJag idJag, Set<String> requested) {
        return switch (config.jwtBearerScope()) {
            case INHERIT -> idJag.scopes();
            case SEND -> requested;
            case OMIT -> Set.of();
        };
    }

    /**
     * The jwt-bearer request, with a DPoP proof when the AS advertises ES256 or the ID-JAG is bound to our key
     * (ID-JAG draft "Sender Constraining Tokens": the AS then requires a proof from that key), and {@code resource}
     * unless the server leaves it off ({@link ServerConfig#jwtBearerResource()}).
     */
    private AccessToken redeem(String server, ServerConfig config, ServerMetadata meta, ClientAuth asAuth, IdJag idJag,
                              Set<String> scope) {
        DPoPProofs proofs = dpop == null ? null
                : idJag.confirmationThumbprint().isPresent() ? dpop : dpop.ifAdvertised(meta.authorizationServer());
        return jwtBearer.redeem(server, meta.asTokenEndpoint(), asAuth, idJag,
                config.jwtBearerResource() ? meta.resource() : null, scope, proofs);
    }

    /**
     * One exchange. For the configured scopes, {@code invalid_scope} is retried once without {@code scope}
     * (§5). For a step-up it is not: the IdP's policy refused the challenged scopes, and a token without them
     * would only be refused by the MCP server again; the same holds when the IdP grants fewer scopes than asked
     * (RFC 6749 §5.1 {@code scope}) and leaves out a challenged one.
     */
    private IdJag exchange(String server, ServerMetadata meta, Set<String> scopes, Set<String> stepUpScopes) {
        IdJag idJag;
        try {
            idJag = exchangeOnce(server, meta, scopes);
        } catch (ScopeRejectedException e) {
            if (!stepUpScopes.isEmpty()) {
                throw scopeDenied(server, stepUpScopes, e.detail());
            }
            if (scopes.isEmpty()) {
                throw e;
            }
            return exchangeOnce(server, meta, Set.of()); // §5: retry once without scope
        }
        Set<String> missing = new TreeSet<>(stepUpScopes);
        missing.removeAll(idJag.scopes());
        if (!missing.isEmpty()) {
            throw scopeDenied(server, missing, "it granted only '" + String.join(" ", idJag.scopes()) + "'");
        }
        return idJag;
    }

    /** The IdP side's outcome: its failure as it would have been thrown in sequence, else nothing. */
    private static void awaitIdpSide(CompletableFuture<Void> idp) {
        try {
            idp.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    private static String quoted(Set<String> scopes) {
        return scopes.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", "));
    }

    private static ScopeDeniedException scopeDenied(String server, Set<String> scopes, String detail) {
        return new ScopeDeniedException(server, scopes, "Your IdP's policy does not grant scope"
                + (scopes.size() > 1 ? "s " : " ") + quoted(scopes) + " for '" + server + "' (" + detail + "); the MCP server"
                + " requires it for this request. Ask your administrator to grant it if you need it");
    }

    private IdJag exchangeOnce(String server, ServerMetadata meta, Set<String> scopes) {
        URI endpoint = idpTokenEndpoint.get();
        boolean proof = dpop != null && idpAdvertisesDpop.getAsBoolean();
        RefreshSubjectRefusedException refused = null;
        if (!noRefreshTokenSubject) {
            try {
                Optional<IdJag> viaRefreshToken = idTokens.withRefreshToken(refreshToken -> exchange.exchangeRefreshToken(
                        server, endpoint, idpAuth, refreshToken, meta.asIssuer(), meta.resource(), scopes, dpop, proof));
                if (viaRefreshToken.isPresent()) {
                    return viaRefreshToken.get();
                }
            } catch (RefreshSubjectRefusedException e) {
                refused = e;
                if (e.unsupported()) {
                    rememberNoRefreshTokenSubject(e);
                } else {
                    LOG.info("The IdP {} refused the refresh token as subject_token for '{}' ({}); this exchange uses the"
                            + " ID token", idpIssuer, server, e.detail());
                }
            }
        }
        IdJag idJag = exchangeIdToken(server, endpoint, meta, scopes, proof);
        if (refused != null && refused.invalidRequest()) {
            rememberNoRefreshTokenSubject(refused); // the same request with the ID token was fine: it was the subject
        }
        return idJag;
    }

    private void rememberNoRefreshTokenSubject(RefreshSubjectRefusedException refused) {
        noRefreshTokenSubject = true;
        LOG.info("The IdP {} does not take refresh tokens as subject_token ({}); this connector uses ID tokens for its"
                + " token exchanges from now on", idpIssuer, refused.detail());
    }

    /** The exchange with the ID token; a rejected one is renewed and tried once more (docs/protocol.md §5). */
    private IdJag exchangeIdToken(String server, URI endpoint, ServerMetadata meta, Set<String> scopes, boolean proof) {
        String idToken = idTokens.idToken();
        try {
            return exchange.exchange(server, endpoint, idpAuth, idToken, meta.asIssuer(), meta.resource(), scopes, dpop, proof);
        } catch (SubjectTokenRejectedException first) {
            String renewed = idTokens.renewAfterRejection(idToken);
            try {
                return exchange.exchange(server, endpoint, idpAuth, renewed, meta.asIssuer(), meta.resource(), scopes,
                        dpop, proof);
            } catch (SubjectTokenRejectedException second) {
                throw rejectedTwice(server, second);
            }
        }
    }

    /**
     * What a repeated rejection of a freshly renewed ID token means, by the code the IdP sent (RFC 8693
     * §2.2.2, docs/protocol.md §5): {@code invalid_request} = the IdP does not accept an ID token as
     * {@code subject_token} for an ID-JAG (e.g. Keycloak's standard token exchange takes access tokens only);
     * {@code invalid_grant} = the IdP will not issue an ID-JAG for this server to this user.
     */
    private static RuntimeException rejectedTwice(String server, SubjectTokenRejectedException second) {
        if (second.code().equals("invalid_request")) {
            return new ConnectorException(ConnectorException.Kind.CONFIGURATION, server, "Your IdP does not issue ID-JAGs for ID tokens: it rejected a freshly"
                    + " renewed ID token as subject_token of the token exchange for '" + server + "' ("
                    + second.detail() + "). Ask your administrator to enable Identity Assertion JWT (ID-JAG) token"
                    + " exchange with ID tokens (subject_token_type id_token) for this client at the IdP",
                    NO_ID_JAGS_FOR_ID_TOKENS, null);
        }
        return new ConnectorException(ConnectorException.Kind.ACCESS_DENIED,server, "Your IdP refused to issue an ID-JAG for '" + server
                + "' for a freshly renewed ID token (" + second.detail() + "). Ask your administrator whether '"
                + server + "' is enabled for you at the IdP", second.oauthError().orElse(null), null);
    }
}
