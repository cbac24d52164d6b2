package dev.xaa4j.connector.internal.token;

import com.nimbusds.oauth2.sdk.OAuth2Error;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorException.Kind;
import dev.xaa4j.connector.ScopeDeniedException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.headless.HeadlessFlows;
import dev.xaa4j.connector.internal.oauth.ServerGrants;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TokenFetcher} of a connector: chooses the flow of each server (docs/architecture.md "Choosing the
 * flow") and routes the fetch to it — {@link AuthMode#EMA} to the enterprise chain ({@link XaaTokenFetcher}),
 * {@link AuthMode#OAUTH} to {@link ServerGrants#token} (plain MCP authorization), {@link AuthMode#NONE} to a
 * {@link Kind#NOT_PROTECTED} answer (send without a token), {@link AuthMode#CLIENT_CREDENTIALS} and
 * {@link AuthMode#WORKLOAD} to the headless grants ({@link HeadlessFlows}; only when configured, never chosen by AUTO,
 * never falling back to another flow).
 *
 * <p>Choice, per server: a forced {@link ServerConfig#auth()} wins (EMA without an IdP is a
 * {@link Kind#CONFIGURATION} error); {@link AuthMode#AUTO}: discovery says not protected → NONE; an IdP is
 * configured and the authorization server redeems ID-JAGs ({@link ServerMetadata#emaProblem}) → EMA; else OAUTH.
 * EMA outcomes are classified: <b>denied</b> ({@link Kind#ACCESS_DENIED}, {@link Kind#SERVER_NOT_ENABLED},
 * {@link ScopeDeniedException}) stays EMA for good — the server never falls back to a per-server sign-in, even if
 * a later attempt looks unsupported; <b>unsupported</b> (the IdP has no token exchange or does not issue ID-JAGs
 * for ID tokens, the AS answers {@code unsupported_grant_type} or {@code unauthorized_client} to jwt-bearer) → OAUTH,
 * only in AUTO; anything else is <b>transient</b> and rethrown (the token cache backs off, same flow).
 *
 * <p>The decision is remembered per server in memory and made again when the server's configuration or its
 * authorization server (the issuer discovery names) changes. Thread-safe: decisions live in a concurrent map; the
 * token cache calls {@link #fetch} at most once at a time per server.
 */
public final class FlowRouter implements TokenFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(FlowRouter.class);

    /**
     * The flow chosen for one server and why.
     *
     * @param mode     never {@link AuthMode#AUTO}
     * @param reason   a sentence for people ({@code xaa doctor})
     * @param config   the configuration it was decided for
     * @param asIssuer the authorization server it was decided for ({@code null} for NONE)
     * @param denied   whether the IdP or AS denied an EMA exchange (then the decision never falls back)
     */
    public record Decision(AuthMode mode, String reason, ServerConfig config, String asIssuer, boolean denied) {
        Decision deny() {
            return new Decision(mode, reason, config, asIssuer, true);
        }
    }

    private final Map<String, ServerConfig> servers;
    private final Function<ServerConfig, ServerMetadata> discovery;
    private final TokenFetcher ema; // null without an IdP
    private final ServerGrants grants;
    private final boolean interactive;
    private final HeadlessFlows headless; // null: headless modes are a configuration error
    private final ConcurrentHashMap<String, Decision> decisions = new ConcurrentHashMap<>();

    /**
     * @param servers     the connector's live view of its servers
     * @param discovery   a server's metadata (cached by the caller); throws {@link Kind#NOT_PROTECTED} for a server
     *                    that takes no token
     * @param ema         the enterprise chain, or {@code null} when no IdP is configured
     * @param grants      the plain MCP authorization flow
     * @param interactive whether a fetch may open the browser for a plain-OAuth server without a grant
     */
    public FlowRouter(Map<String, ServerConfig> servers, Function<ServerConfig, ServerMetadata> discovery,
                      TokenFetcher ema, ServerGrants grants, boolean interactive) {
        this(servers, discovery, ema, grants, interactive, null);
    }

    /** @param headless the client credentials and workload grants ({@code null}: those modes are refused) */
    public FlowRouter(Map<String, ServerConfig> servers, Function<ServerConfig, ServerMetadata> discovery,
                      TokenFetcher ema, ServerGrants grants, boolean interactive, HeadlessFlows headless) {
        this.headless = headless;
        this.servers = Objects.requireNonNull(servers, "servers");
        this.discovery = Objects.requireNonNull(discovery, "discovery");
        this.ema = ema;
        this.grants = Objects.requireNonNull(grants, "grants");
        this.interactive = interactive;
    }

    @Override
    public Fetched fetch(String server, Set<String> extraScopes) {
        return fetch(server, extraScopes, Set.of());
    }

    @Override
    public Fetched fetch(String server, Set<String> extraScopes, Set<String> stepUpScopes) {
        ServerConfig config = config(server);
        Decision d = decide(config);
        switch (d.mode()) {
            case NONE:
                throw notProtected(server);
            case OAUTH:
                return plain(config, extraScopes, stepUpScopes, interactive);
            case CLIENT_CREDENTIALS, WORKLOAD: // a refusal stands: no second attempt, no other grant
                return headless.fetch(config, discovery.apply(config), union(extraScopes, stepUpScopes));
            default:
                break;
        }
        try {
            return ema.fetch(server, extraScopes, stepUpScopes);
        } catch (ConnectorException e) {
            if (isDenied(e)) {
                decisions.computeIfPresent(server, (k, old) -> old.mode() == AuthMode.EMA ? old.deny() : old);
                throw e;
            }
            Decision now = decisions.get(server);
            if (!isUnsupported(e) || config.auth() != AuthMode.AUTO || now == null || now.denied()) {
                throw e;
            }
            LOG.info("Enterprise-managed authorization is not available for {} ({}); using per-server sign-in",
                    server, e.getMessage());
            decisions.put(server, new Decision(AuthMode.OAUTH, "per-server sign-in: enterprise-managed authorization"
                    + " failed as unsupported (" + e.getMessage() + ")", config, now.asIssuer(), false));
            return plain(config, extraScopes, stepUpScopes, interactive);
        }
    }

    /**
     * The flow for {@code config}: the remembered one while configuration and authorization server are unchanged,
     * else decided now (may run discovery, which may block on HTTP).
     *
     * @throws ConnectorException discovery's failures (not {@link Kind#NOT_PROTECTED}: that decides NONE), and
     *         {@link Kind#CONFIGURATION} for a server forced to EMA without an IdP
     */
    public Decision decide(ServerConfig config) {
        Decision known = decisions.get(config.name());
        if (known != null && known.config().equals(config) && known.mode() == AuthMode.NONE) {
            return known;
        }
        if (config.auth() == AuthMode.NONE) {
            return remember(known, new Decision(AuthMode.NONE, "no authorization: forced by configuration (--auth none)",
                    config, null, false));
        }
        if (config.auth() == AuthMode.EMA && ema == null) {
            throw new ConnectorException(Kind.CONFIGURATION, config.name(), "The MCP server '" + config.name()
                    + "' is set to enterprise sign-in (auth ema), but no identity provider is configured. Configure"
                    + " your IdP (xaa idp ISSUER --client-id ID), or set the server's auth to oauth or auto", null, null);
        }
        if ((config.auth() == AuthMode.CLIENT_CREDENTIALS || config.auth() == AuthMode.WORKLOAD) && headless == null) {
            throw new ConnectorException(Kind.CONFIGURATION, config.name(), "The MCP server '" + config.name()
                    + "' is set to auth " + config.auth().word() + ", which this connector cannot run", null, null);
        }
        ServerMetadata meta;
        try {
            meta = discovery.apply(config);
        } catch (ConnectorException e) {
            if (e.kind() != Kind.NOT_PROTECTED || config.auth() != AuthMode.AUTO) {
                throw e;
            }
            return remember(known, new Decision(AuthMode.NONE, "no authorization: the server answered without a token",
                    config, null, false));
        }
        if (known != null && known.config().equals(config) && known.asIssuer() != null
                && known.asIssuer().equals(meta.asIssuer())) {
            return known;
        }
        return remember(known, choose(config, meta));
    }

    private Decision choose(ServerConfig config, ServerMetadata meta) {
        String as = meta.asIssuer();
        switch (config.auth()) {
            case EMA:
                meta.emaProblem(true).ifPresent(problem -> {
                    throw new ConnectorException(Kind.CONFIGURATION, config.name(), problem, null, null);
                });
                return new Decision(AuthMode.EMA, "enterprise: forced by configuration (--auth ema)", config, as, false);
            case OAUTH:
                return new Decision(AuthMode.OAUTH, "per-server sign-in: forced by configuration (--auth oauth)", config,
                        as, false);
            case CLIENT_CREDENTIALS:
                return new Decision(AuthMode.CLIENT_CREDENTIALS, "headless: client credentials grant as client "
                        + config.oauthClientId().orElse("(none configured)") + " at " + as, config, as, false);
            case WORKLOAD:
                return new Decision(AuthMode.WORKLOAD, "headless: workload jwt-bearer grant at " + as, config, as, false);
            default:
                break;
        }
        if (ema == null) {
            return new Decision(AuthMode.OAUTH, "per-server sign-in: no identity provider is configured", config, as,
                    false);
        }
        Optional<String> problem = meta.emaProblem(false);
        if (problem.isEmpty()) {
            return new Decision(AuthMode.EMA, "enterprise: the authorization server " + as
                    + " lists the ID-JAG grant profile and your IdP is configured", config, as, false);
        }
        return new Decision(AuthMode.OAUTH, "per-server sign-in: the authorization server " + as
                + " does not redeem ID-JAGs", config, as, false);
    }

    /** A new decision replaces the old one; a denial stands while the authorization server is the same. */
    private Decision remember(Decision old, Decision next) {
        Decision kept = old != null && old.denied() && old.mode() == AuthMode.EMA && next.mode() == AuthMode.OAUTH
                && Objects.equals(old.asIssuer(), next.asIssuer()) && next.config().auth() == AuthMode.AUTO
                ? new Decision(AuthMode.EMA, old.reason(), next.config(), old.asIssuer(), true) : next;
        decisions.put(kept.config().name(), kept);
        return kept;
    }

    /** The remembered decision for {@code server}, if one was made. */
    public Optional<Decision> decision(String server) {
        return Optional.ofNullable(decisions.get(server));
    }

    /** Forgets the decision for {@code server}: the next fetch decides again. */
    public void forget(String server) {
        decisions.remove(server);
    }

    /** The metadata of {@code config} (cached by discovery). */
    public ServerMetadata metadata(ServerConfig config) {
        return discovery.apply(config);
    }

    /** The plain MCP authorization flow of this connector. */
    public ServerGrants grants() {
        return grants;
    }

    private Fetched plain(ServerConfig config, Set<String> extraScopes, Set<String> stepUpScopes, boolean browser) {
        ServerMetadata meta = discovery.apply(config);
        meta.plainOAuthProblem().ifPresent(problem -> {
            throw new ConnectorException(Kind.CONFIGURATION, config.name(), problem, null, null);
        });
        return grants.token(config, meta, extraScopes, stepUpScopes, browser);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        if (b.isEmpty()) {
            return a;
        }
        Set<String> all = new java.util.LinkedHashSet<>(a);
        all.addAll(b);
        return all;
    }

    private ServerConfig config(String server) {
        ServerConfig config = servers.get(server);
        if (config == null) { // removed from the configuration while this renewal was scheduled
            throw new ConnectorException(Kind.CONFIGURATION, "No MCP server named '" + server + "' is configured");
        }
        return config;
    }

    static ConnectorException notProtected(String server) {
        return new ConnectorException(Kind.NOT_PROTECTED, server, "The MCP server '" + server + "' takes no"
                + " authorization: send requests to it without a token", null, null);
    }

    /** A policy decision of the IdP or AS: the administrator's refusal stands. */
    static boolean isDenied(ConnectorException e) {
        return e instanceof ScopeDeniedException || e.kind() == Kind.ACCESS_DENIED || e.kind() == Kind.SERVER_NOT_ENABLED;
    }

    /** The enterprise flow is not available at all for this server (a capability, not a decision). */
    static boolean isUnsupported(ConnectorException e) {
        String code = e.oauthError().orElse("");
        if (code.equals(OAuth2Error.UNSUPPORTED_GRANT_TYPE_CODE)) {
            return true; // IdP without token exchange, or AS without jwt-bearer
        }
        return e.kind() == Kind.CONFIGURATION && (code.equals(OAuth2Error.UNAUTHORIZED_CLIENT_CODE)
                || code.equals(XaaTokenFetcher.NO_ID_JAGS_FOR_ID_TOKENS));
    }
}
