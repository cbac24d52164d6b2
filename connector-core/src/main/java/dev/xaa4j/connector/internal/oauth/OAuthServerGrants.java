package dev.xaa4j.connector.internal.oauth;

import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.grant.ClientRejectedException;
import dev.xaa4j.connector.internal.grant.OAuthTokens;
import dev.xaa4j.connector.internal.grant.RefreshRejectedException;
import dev.xaa4j.connector.internal.grant.ServerTokenGrant;
import dev.xaa4j.connector.internal.dpop.DPoPProofs;
import dev.xaa4j.connector.internal.grant.TokenRevocation;
import dev.xaa4j.connector.internal.signin.BrowserLauncher;
import dev.xaa4j.connector.internal.signin.SystemBrowser;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.ServerGrantStore;
import dev.xaa4j.connector.internal.store.ServerGrantStore.Grant;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ServerGrants} of a connector: plain MCP authorization (docs/architecture.md "Plain MCP authorization").
 * A token comes from, in order: the access token of a sign-in that gave no refresh token (memory); the server's
 * stored refresh token (re-read from the store each time, since another process may have rotated it; the rotated one
 * is written before the old is forgotten); else — when interactive — an authorization request in the browser
 * ({@link AuthorizationFlow}), else {@link ConnectorException.Kind#SERVER_SIGN_IN_REQUIRED}. A grant is used only at
 * the AS issuer and for the PRM resource it was issued for: when discovery names another issuer (AS migration) it is
 * dropped and the client is identified anew at the new issuer.
 *
 * <p>Scopes: configured, else the challenge's {@code scope}, else PRM {@code scopes_supported}, else none;
 * {@code offline_access} only when the AS lists it. Step-up (403 {@code insufficient_scope}): previously requested
 * ∪ granted ∪ challenged, never {@code scopes_supported}; at most {@link #MAX_AUTHORIZATIONS} authorization requests
 * per server and operation (the first counts), else {@link ScopeDeniedException}. Thread-safe: one flow per server at
 * a time (a per-server lock); different servers run in parallel.
 */
public final class OAuthServerGrants implements ServerGrants {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthServerGrants.class);
    /** Authorization requests per server and operation, the first included (MCP authorization "Scope Challenge Handling"). */
    static final int MAX_AUTHORIZATIONS = 3;
    static final String OFFLINE_ACCESS = "offline_access";

    /** An access token held in memory, with what it is bound to. */
    private record Held(String issuer, String resource, AccessToken token, Set<String> requested) {
    }

    private final Clock clock;
    private final ServerGrantStore rows;
    private final ClientIdentification clients;
    private final ServerTokenGrant grant;
    private final AuthorizationFlow flow;
    private final TokenRevocation revocation;
    private final DPoPProofs dpop; // null: DPoP off
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    /** The token of an explicit sign-in, handed out once by {@link #token} (a token a server refused is never re-served). */
    private final Map<String, Held> signedIn = new ConcurrentHashMap<>();
    private final Map<String, Integer> authorizations = new ConcurrentHashMap<>();

    /**
     * @param store                    where refresh tokens and dynamic registrations are kept (the OS keyring, or
     *                                 memory for sessions kept in memory and for the conformance harness)
     * @param credentials              secrets and keys of pre-registered clients
     * @param clientIdMetadataDocument this installation's Client ID Metadata Document URL, if it publishes one
     * @param launcher                 where authorization requests are shown; {@code null} = the system browser
     *                                 ({@code BROWSER} from {@code environment}, else the desktop's, else stderr)
     * @param environment              where {@code BROWSER} is looked up
     */
    public OAuthServerGrants(Clock clock, Duration httpTimeout, CredentialStore store,
                             ClientCredentialsSource credentials, Optional<URI> clientIdMetadataDocument,
                             BrowserLauncher launcher, Map<String, String> environment) {
        this(clock, httpTimeout, store, credentials, clientIdMetadataDocument, launcher, environment, (DPoPProofs) null);
    }

    /**
     * @param dpop the installation's DPoP proofs (docs/architecture.md "DPoP"): code and refresh requests to an AS
     *             that advertises ES256 carry a proof; null when DPoP is off
     */
    public OAuthServerGrants(Clock clock, Duration httpTimeout, CredentialStore store,
                             ClientCredentialsSource credentials, Optional<URI> clientIdMetadataDocument,
                             BrowserLauncher launcher, Map<String, String> environment, DPoPProofs dpop) {
        this(clock, httpTimeout, store, credentials, clientIdMetadataDocument, launcher, environment, Duration.ofMinutes(5), dpop);
    }

    /** @param signInTimeout how long an authorization request waits for the browser to come back */
    OAuthServerGrants(Clock clock, Duration httpTimeout, CredentialStore store, ClientCredentialsSource credentials,
                      Optional<URI> clientIdMetadataDocument, BrowserLauncher launcher, Map<String, String> environment,
                      Duration signInTimeout) {
        this(clock, httpTimeout, store, credentials, clientIdMetadataDocument, launcher, environment, signInTimeout, null);
    }

    private OAuthServerGrants(Clock clock, Duration httpTimeout, CredentialStore store, ClientCredentialsSource credentials,
                              Optional<URI> clientIdMetadataDocument, BrowserLauncher launcher, Map<String, String> environment,
                              Duration signInTimeout, DPoPProofs dpop) {
        this.dpop = dpop;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rows = new ServerGrantStore(store);
        this.clients = new ClientIdentification(rows, Objects.requireNonNull(credentials, "credentials"),
                clientIdMetadataDocument, new DynamicRegistration(httpTimeout), clock);
        this.grant = new ServerTokenGrant(clock, httpTimeout);
        this.flow = new AuthorizationFlow(clients, grant,
                launcher != null ? launcher : new SystemBrowser(null, environment), signInTimeout, dpop);
        this.revocation = new TokenRevocation(httpTimeout);
    }

    @Override
    public TokenFetcher.Fetched token(ServerConfig server, ServerMetadata meta, Set<String> extraScopes,
                                      Set<String> stepUpScopes, boolean interactive) {
        return locked(server.name(), () -> {
            if (stepUpScopes.isEmpty()) {
                authorizations.remove(server.name());
            }
            Optional<Grant> stored = current(server.name(), meta);
            Held memory = held.get(server.name());
            if (!stepUpScopes.isEmpty()) {
                return stepUp(server, meta, stored, memory, extraScopes, stepUpScopes, interactive);
            }
            Held handedOver = signedIn.remove(server.name());
            if (handedOver != null && handedOver == memory && stored.isEmpty() && !memory.token().isExpired(clock)
                    && memory.token().scopes().containsAll(extraScopes)) {
                return fetched(meta, memory.token(), memory.requested()); // a sign-in's token, once (it may lack a refresh token)
            }
            if (stored.isPresent() && stored.get().granted().containsAll(extraScopes)) {
                Optional<TokenFetcher.Fetched> refreshed = refresh(server, meta, stored.get(), true);
                if (refreshed.isPresent()) {
                    return refreshed.get();
                }
            }
            if (!interactive) {
                throw signInRequired(server.name(), "needs a one-time sign-in in the browser");
            }
            Set<String> requested = new LinkedHashSet<>(initialScopes(server, meta));
            requested.addAll(extraScopes);
            return authorize(server, meta, requested);
        });
    }

    @Override
    public TokenFetcher.Fetched signIn(ServerConfig server, ServerMetadata meta, Set<String> scopes) {
        return locked(server.name(), () -> {
            authorizations.remove(server.name());
            Optional<Grant> stored = current(server.name(), meta);
            Set<String> requested = new LinkedHashSet<>(initialScopes(server, meta));
            stored.ifPresent(g -> requested.addAll(g.granted())); // signing in again never loses a scope
            requested.addAll(rows.wantedScopes(server.name())); // a step-up a bridge could not make (no browser)
            requested.addAll(scopes);
            requested.remove(OFFLINE_ACCESS); // authorize adds it when the server advertises it
            TokenFetcher.Fetched fetched = authorize(server, meta, requested);
            rows.wantScopes(server.name(), Set.of());
            signedIn.put(server.name(), held.get(server.name()));
            return fetched;
        });
    }

    /** A stored grant and no step-up waiting for a sign-in ({@link ServerGrantStore#wantedScopes}). */
    @Override
    public boolean grantReady(String server) {
        return hasGrant(server) && rows.wantedScopes(server).isEmpty();
    }

    @Override
    public boolean hasGrant(String server) {
        Held memory = held.get(server);
        return rows.grant(server).isPresent() || (memory != null && !memory.token().isExpired(clock));
    }

    @Override
    public void signOut(ServerConfig server, Optional<ServerMetadata> meta) {
        locked(server.name(), () -> {
            Optional<Grant> stored = rows.grant(server.name());
            Held memory = held.remove(server.name());
            signedIn.remove(server.name());
            authorizations.remove(server.name());
            try {
                if (meta.isPresent() && meta.get().authorizationServer().getRevocationEndpointURI() != null) {
                    revoke(server, meta.get(), stored, memory);
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not revoke the sign-in of '{}' at its authorization server: {}", server.name(), e.getMessage());
            } finally {
                rows.deleteGrant(server.name());
                rows.wantScopes(server.name(), Set.of());
            }
            return null;
        });
    }

    @Override
    public void close() {
        held.clear();
        signedIn.clear();
    }

    private TokenFetcher.Fetched stepUp(ServerConfig server, ServerMetadata meta, Optional<Grant> stored, Held memory,
                                        Set<String> extraScopes, Set<String> stepUpScopes, boolean interactive) {
        Set<String> granted = new LinkedHashSet<>();
        Set<String> requested = new LinkedHashSet<>();
        if (memory != null) {
            granted.addAll(memory.token().scopes());
            requested.addAll(memory.requested());
        } else if (stored.isPresent()) {
            granted.addAll(stored.get().granted());
            requested.addAll(stored.get().requested());
        } else {
            requested.addAll(initialScopes(server, meta)); // no token yet: what a first sign-in would ask for
        }
        requested.addAll(granted);
        requested.addAll(extraScopes);
        requested.addAll(stepUpScopes);
        if (stored.isPresent() && stored.get().granted().containsAll(requested) && !granted.containsAll(requested)) {
            // a sign-in elsewhere (xaa login, the tray) stored a grant with these scopes: use it, no browser
            Optional<TokenFetcher.Fetched> refreshed = refresh(server, meta, stored.get(), true);
            if (refreshed.isPresent()) {
                return refreshed.get();
            }
        }
        if ((memory != null || stored.isPresent()) && granted.containsAll(requested)) {
            throw new ScopeDeniedException(server.name(), stepUpScopes, "'" + server.name() + "' still refuses the call "
                    + "although its token carries the scopes " + String.join(" ", stepUpScopes) + " it asked for; "
                    + "you lack permission for it. Ask the server's administrator.");
        }
        if (!interactive) {
            rows.wantScopes(server.name(), requested); // the next sign-in (another process, the tray) asks for them
            throw signInRequired(server.name(), "needs you to sign in again in the browser to grant the scopes "
                    + String.join(" ", stepUpScopes));
        }
        try {
            return authorize(server, meta, requested);
        } catch (ScopeDeniedException e) {
            throw e;
        } catch (ConnectorException e) {
            if (!e.oauthError().filter("invalid_scope"::equals).isPresent()) {
                throw e;
            }
            throw new ScopeDeniedException(server.name(), stepUpScopes, "The authorization server of '" + server.name()
                    + "' refused the scopes " + String.join(" ", stepUpScopes) + " this call needs; you lack permission "
                    + "for it. Ask the server's administrator.", "invalid_scope", e);
        }
    }

    private TokenFetcher.Fetched authorize(ServerConfig server, ServerMetadata meta, Set<String> scopes) {
        int attempt = authorizations.merge(server.name(), 1, Integer::sum);
        if (attempt > MAX_AUTHORIZATIONS) {
            throw new ScopeDeniedException(server.name(), scopes, "'" + server.name() + "' kept refusing after "
                    + MAX_AUTHORIZATIONS + " sign-ins for the scopes " + String.join(" ", scopes) + "; you lack "
                    + "permission for this call. Ask the server's administrator.");
        }
        Set<String> requested = new LinkedHashSet<>(scopes);
        var advertised = meta.authorizationServer().getScopes();
        if (advertised != null && advertised.contains(OFFLINE_ACCESS)) {
            requested.add(OFFLINE_ACCESS);
        }
        LOG.info("Signing in to '{}' at {} (authorization request {} of at most {})", server.name(), meta.asIssuer(),
                attempt, MAX_AUTHORIZATIONS);
        AuthorizationFlow.Result result = flow.run(server, meta, requested);
        keep(server.name(), meta, result.client(), result.tokens(), scopes);
        return fetched(meta, result.tokens().accessToken(), scopes);
    }

    /** Refreshes; empty when the grant is gone (deleted) and a new sign-in is needed. */
    private Optional<TokenFetcher.Fetched> refresh(ServerConfig server, ServerMetadata meta, Grant stored, boolean retry) {
        Optional<OAuthClient> client = clients.forGrant(server, meta, stored.clientId());
        if (client.isEmpty()) {
            LOG.info("The stored sign-in of '{}' belongs to a client no longer used; signing in again is needed", server.name());
            rows.deleteGrant(server.name());
            return Optional.empty();
        }
        try {
            OAuthTokens tokens = grant.refresh(server.name(), meta.asTokenEndpoint(), client.get().clientAuth(),
                    stored.refreshToken(), stored.resource(), Set.copyOf(stored.granted()),
                    dpop == null ? null : dpop.ifAdvertised(meta.authorizationServer()));
            Set<String> requested = new LinkedHashSet<>(stored.requested());
            keep(server.name(), meta, client.get(), tokens.refreshToken().isPresent() ? tokens
                    : new OAuthTokens(tokens.accessToken(), Optional.of(stored.refreshToken())), requested);
            return Optional.of(fetched(meta, tokens.accessToken(), requested));
        } catch (RefreshRejectedException | ClientRejectedException e) {
            Optional<Grant> now = rows.grant(server.name());
            if (retry && now.isPresent() && !now.get().refreshToken().equals(stored.refreshToken())) {
                return refresh(server, meta, now.get(), false); // another process rotated it meanwhile
            }
            if (e instanceof ClientRejectedException) {
                clients.rejected(client.get());
            }
            LOG.info("The stored sign-in of '{}' was refused by its authorization server ({}); it is deleted",
                    server.name(), e.oauthError().orElse("?"));
            rows.deleteGrant(server.name());
            return Optional.empty();
        }
    }

    private void keep(String server, ServerMetadata meta, OAuthClient client, OAuthTokens tokens, Set<String> requested) {
        AccessToken token = tokens.accessToken();
        held.put(server, new Held(meta.asIssuer(), meta.resource(), token, requested));
        tokens.refreshToken().ifPresent(rt -> rows.saveGrant(server, new Grant(meta.asIssuer(), client.clientId(),
                meta.resource(), rt, List.copyOf(token.scopes()), List.copyOf(requested))));
    }

    /** The stored grant if it was issued by {@code meta}'s AS for its resource; else it is dropped (AS migration). */
    private Optional<Grant> current(String server, ServerMetadata meta) {
        Held memory = held.get(server);
        if (memory != null && (!memory.issuer().equals(meta.asIssuer()) || !memory.resource().equals(meta.resource()))) {
            held.remove(server);
            signedIn.remove(server);
        }
        Optional<Grant> stored = rows.grant(server);
        if (stored.isPresent() && (!stored.get().issuer().equals(meta.asIssuer()) || !stored.get().resource().equals(meta.resource()))) {
            LOG.info("'{}' now names the authorization server {} for {} (the stored sign-in is of {} for {}); the old "
                    + "sign-in is dropped", server, meta.asIssuer(), meta.resource(), stored.get().issuer(), stored.get().resource());
            rows.deleteGrant(server);
            return Optional.empty();
        }
        return stored;
    }

    private void revoke(ServerConfig server, ServerMetadata meta, Optional<Grant> stored, Held memory) {
        URI endpoint = meta.authorizationServer().getRevocationEndpointURI();
        String party = "the authorization server of '" + server.name() + "'";
        Optional<OAuthClient> client = stored.filter(g -> g.issuer().equals(meta.asIssuer()))
                .flatMap(g -> clients.forGrant(server, meta, g.clientId()));
        if (client.isEmpty()) {
            return;
        }
        ClientID id = new ClientID(client.get().clientId());
        revocation.revoke(endpoint, client.get().authentication(), id, new RefreshToken(stored.get().refreshToken()), party)
                .ifPresent(why -> LOG.warn("Revoking the refresh token of '{}' failed: {}", server.name(), why));
        if (memory != null && memory.issuer().equals(meta.asIssuer()) && !memory.token().isExpired(clock)) {
            revocation.revoke(endpoint, client.get().authentication(), id, new BearerAccessToken(memory.token().value()), party)
                    .ifPresent(why -> LOG.warn("Revoking the access token of '{}' failed: {}", server.name(), why));
        }
    }

    /** Configured scopes, else the challenge's {@code scope}, else PRM {@code scopes_supported}, else none. */
    static Set<String> initialScopes(ServerConfig server, ServerMetadata meta) {
        if (!server.scopes().isEmpty()) {
            return new LinkedHashSet<>(server.scopes());
        }
        Optional<String> challenged = meta.challengedScope().filter(s -> !s.isBlank());
        if (challenged.isPresent()) {
            return new LinkedHashSet<>(List.of(challenged.get().trim().split("\\s+")));
        }
        return new LinkedHashSet<>(meta.scopesSupported());
    }

    private TokenFetcher.Fetched fetched(ServerMetadata meta, AccessToken token, Set<String> requested) {
        return new TokenFetcher.Fetched(token, new TokenKey("", meta.asIssuer(), meta.resource(),
                String.join(" ", requested.stream().sorted().toList())));
    }

    private static ConnectorException signInRequired(String server, String why) {
        return new ConnectorException(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED, server, "'" + server + "' " + why
                + ": run `xaa login " + server + "` or choose \"Sign in to " + server + "\" in the tray.", null, null);
    }

    private <T> T locked(String server, java.util.function.Supplier<T> body) {
        ReentrantLock lock = locks.computeIfAbsent(server, s -> new ReentrantLock());
        lock.lock();
        try {
            return body.get();
        } finally {
            lock.unlock();
        }
    }
}
