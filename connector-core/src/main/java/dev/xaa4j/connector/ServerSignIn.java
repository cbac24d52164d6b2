package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.DaemonThreads;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.oauth.ServerGrants;
import dev.xaa4j.connector.internal.store.IdpSession;
import dev.xaa4j.connector.internal.token.FlowRouter;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenManager;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-server half of a {@link Connector} (docs/architecture.md "Choosing the flow"): {@link Connector#signIn(String)}
 * and {@link Connector#signOut(String)}, and each server's status with its flow. Not part of the API. Thread-safe:
 * one sign-in per server at a time, on its own daemon thread ({@code xaa4j-server-sign-in}); concurrent calls for
 * the same server share it.
 */
final class ServerSignIn {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Connector.class);

    private final ServerTable servers;
    private final FlowRouter router; // null when a test injected the whole fetcher
    private final ServerGrants grants;
    private final TokenManager tokens;
    private final SessionControl control;
    private final Discovery discovery;
    private final ConcurrentHashMap<String, CompletableFuture<ServerStatus>> inFlight = new ConcurrentHashMap<>();

    ServerSignIn(ServerTable servers, FlowRouter router, ServerGrants grants, TokenManager tokens, SessionControl control,
                 Discovery discovery) {
        this.discovery = discovery;
        this.servers = servers;
        this.router = router;
        this.grants = grants;
        this.tokens = tokens;
        this.control = control;
    }

    /** {@link Connector#signIn(String)}. */
    CompletableFuture<ServerStatus> signIn(String server) {
        ServerConfig config = servers.get(server);
        if (config == null) {
            return CompletableFuture.failedFuture(unknown(server));
        }
        CompletableFuture<ServerStatus> mine = new CompletableFuture<>();
        CompletableFuture<ServerStatus> running = inFlight.putIfAbsent(server, mine);
        if (running != null) {
            return running;
        }
        mine.whenComplete((done, error) -> inFlight.remove(server, mine));
        DaemonThreads.start(() -> run(config, mine), "xaa4j-server-sign-in");
        return mine;
    }

    private void run(ServerConfig config, CompletableFuture<ServerStatus> mine) {
        String name = config.name();
        try {
            AuthMode mode = router == null ? AuthMode.EMA : router.decide(config).mode();
            if (mode == AuthMode.OAUTH) {
                ServerMetadata meta = router.metadata(config);
                meta.plainOAuthProblem().ifPresent(problem -> {
                    throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, name, problem, null, null);
                });
                TokenFetcher.Fetched fetched = grants.signIn(config, meta, Set.copyOf(config.scopes()));
                if (!mine.isDone()) { // not cancelled meanwhile
                    tokens.accept(name, fetched);
                }
                mine.complete(status(name));
            } else if (mode == AuthMode.EMA && control.canSignIn() && control.load().isEmpty()) {
                control.signIn(() -> null).whenComplete((s, error) -> {
                    if (error != null) {
                        mine.completeExceptionally(error);
                    } else {
                        mine.complete(status(name));
                    }
                });
            } else { // EMA with a session (or a supplied ID token), or NONE: nothing to sign in to
                tokens.clearFailures(name);
                mine.complete(status(name));
            }
        } catch (RuntimeException | Error e) {
            LOG.debug("sign-in to {} failed: {}", name, e.toString());
            mine.completeExceptionally(e);
        }
    }

    /** {@link Connector#signOut(String)}. */
    ServerStatus signOut(String server) {
        ServerConfig config = servers.get(server);
        if (config == null) {
            throw unknown(server);
        }
        Optional<ServerMetadata> meta = Optional.empty();
        // a fresh process (`xaa logout SERVER`) has decided nothing yet: a stored grant is reason enough to discover
        // the AS, for its revocation endpoint (RFC 7009)
        if (router != null && router.decision(server).map(d -> d.mode() == AuthMode.OAUTH)
                .orElseGet(() -> grants.hasGrant(server))) {
            try {
                meta = Optional.of(router.metadata(config));
            } catch (RuntimeException e) { // revocation is best effort; the local grant goes regardless
                LOG.debug("no metadata for revoking the grant of {}: {}", server, e.toString());
            }
        }
        grants.signOut(config, meta);
        tokens.forget(server);
        return status(server);
    }

    /**
     * A server that discovery found unprotected answered 401 (MCP authorization: "a later 401 still starts"
     * discovery): forget that decision and the cached answer, so the next token request chooses the flow again.
     * Returns whether it was such a server (a forced {@code none} is not: it stays without a token).
     */
    /** {@link Connector#invalidate(String, String)}: a NONE decision is dropped (flow chosen again), else the token. */
    /** {@link Connector#removeServer}: forgets {@code server} and its token; false when it was not configured. */
    boolean remove(String server) {
        if (!servers.remove(server)) {
            return false;
        }
        tokens.forget(server);
        return true;
    }

    boolean invalidate(String server, String rejectedValue) {
        if (reprobe(server)) {
            discovery.invalidate(servers.get(server).url());
            return true;
        }
        return tokens.invalidate(server, rejectedValue);
    }

    /** {@link Connector#invalidate(String, String, Optional)}: also re-discovers after a moved PRM or an OAUTH 401. */
    boolean invalidate(String server, String rejectedValue, Optional<URI> challengedResourceMetadata) {
        servers.staleDiscovery(server, challengedResourceMetadata).ifPresent(discovery::invalidate);
        boolean oauth = flow(server) == AuthMode.OAUTH;
        boolean dropped = invalidate(server, rejectedValue);
        if (dropped && oauth) {
            discovery.invalidate(servers.get(server).url()); // MCP authorization: refetch PRM, the AS may have moved
        }
        return dropped;
    }

    /** {@link Connector#invalidate(String, String, Optional, Collection)}: the next discovery starts from the challenge. */
    boolean invalidate(String server, String rejectedValue, Optional<URI> challengedResourceMetadata,
                       java.util.Collection<String> challengedScopes) {
        Optional.ofNullable(servers.get(server))
                .ifPresent(c -> discovery.challenged(c.url(), challengedResourceMetadata, challengedScopes));
        return invalidate(server, rejectedValue, challengedResourceMetadata);
    }

    /** {@link Connector#status()}: the IdP session (none without an IdP) and every server's status. */
    ConnectorStatus connectorStatus() {
        Optional<IdpSession> s = control.load();
        Map<String, ServerStatus> each = new LinkedHashMap<>();
        for (String name : servers.snapshot().keySet()) {
            each.put(name, status(name));
        }
        return new ConnectorStatus(s.map(IdpSession::subject), s.map(IdpSession::displayName), s.map(IdpSession::idTokenExpiresAt),
                s.map(IdpSession::canRenewIdToken).orElse(false), each);
    }

    boolean reprobe(String server) {
        ServerConfig config = servers.get(server);
        if (router == null || config == null || config.auth() == AuthMode.NONE || flow(server) != AuthMode.NONE) {
            return false;
        }
        router.forget(server);
        tokens.forget(server);
        return true;
    }

    /** The decided flow of {@code server}, {@link AuthMode#AUTO} when none is decided. */
    AuthMode flow(String server) {
        return router == null ? AuthMode.AUTO : router.decision(server).map(FlowRouter.Decision::mode).orElse(AuthMode.AUTO);
    }

    /** The server's token status with its flow: the decided one, else the configured one, else AUTO. */
    ServerStatus status(String server) {
        ServerStatus s = tokens.status(server);
        Optional<FlowRouter.Decision> decided = router == null ? Optional.empty() : router.decision(server);
        if (decided.isPresent()) {
            return s.withFlow(decided.get().mode(), Optional.of(decided.get().reason()));
        }
        ServerConfig config = servers.get(server);
        if (config != null && config.auth() != AuthMode.AUTO) {
            return s.withFlow(config.auth(), Optional.of("forced by configuration (--auth " + config.auth().word() + ")"));
        }
        return storedGrant(server) ? s.withFlow(AuthMode.OAUTH, Optional.of("per-server sign-in: a grant from an earlier "
                + "sign-in to it is kept in the credential store")) : s;
    }

    /** Whether a plain-OAuth grant of {@code server} is stored (a keyring read); false when the store cannot say. */
    private boolean storedGrant(String server) {
        try {
            return grants != null && grants.hasGrant(server);
        } catch (RuntimeException e) { // a locked keyring: the status then says "not decided yet"
            LOG.debug("cannot tell whether {} has a stored grant: {}", server, e.toString());
            return false;
        }
    }

    private static ConnectorException unknown(String server) {
        return new ConnectorException(ConnectorException.Kind.CONFIGURATION, "No MCP server named '" + server + "' is configured");
    }
}
