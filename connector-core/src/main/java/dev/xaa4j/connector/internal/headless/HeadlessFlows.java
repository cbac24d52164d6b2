package dev.xaa4j.connector.internal.headless;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorException.Kind;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.grant.ClientAuthFactory;
import dev.xaa4j.connector.internal.grant.ClientAuthSelection;
import dev.xaa4j.connector.internal.grant.HeadlessGrant;
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
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The headless flows (docs/architecture.md "Choosing the flow"): {@link AuthMode#CLIENT_CREDENTIALS} (SEP-1046) and
 * {@link AuthMode#WORKLOAD} (SEP-1933), for agents without a person — no browser, no IdP, no stored grant. Each
 * {@link #fetch} runs the grant once at the authorization server discovery found (PRM → AS metadata, the checked PRM
 * {@code resource}); the token cache runs it again before expiry (no refresh token).
 *
 * <p>Client credentials: the pre-registered {@link ServerConfig#oauthClientId()}, never sent to another AS than its
 * pinned issuer; its secret or signing key comes from the {@link ClientCredentialsSource} looked up by (AS issuer,
 * client id), and the AS's {@code token_endpoint_auth_methods_supported} chooses the method
 * ({@link ClientAuthSelection}); a {@code private_key_jwt} assertion's {@code aud} is the AS issuer (RFC 7523bis).
 * Workload: the JWT from {@code Connector.Builder.workloadToken}, else {@link ServerConfig#workloadToken()}
 * ({@link WorkloadJwtSource}), read for every request and presented once (once more only after a {@code use_dpop_nonce}
 * refusal, RFC 9449 §8: {@code TokenEndpoint.post}); a refusal is final for that fetch (no
 * second attempt, no other grant). Scopes: configured, else the challenge's {@code scope}; plus step-up scopes.
 * Thread-safe (stateless apart from the immutable suppliers map).
 */
public final class HeadlessFlows {

    private static final Logger LOG = LoggerFactory.getLogger(HeadlessFlows.class);

    private final HeadlessGrant grant;
    private final ClientCredentialsSource credentials;
    private final Map<String, Supplier<String>> workloadTokens;
    private final dev.xaa4j.connector.internal.dpop.DPoPProofs dpop; // null: DPoP off

    /** @param workloadTokens per server name, the caller's workload JWT suppliers (copied) */
    public HeadlessFlows(Clock clock, Duration httpTimeout, ClientCredentialsSource credentials,
                         Map<String, Supplier<String>> workloadTokens,
                         dev.xaa4j.connector.internal.dpop.DPoPProofs dpop) {
        this.dpop = dpop;
        this.grant = new HeadlessGrant(clock, httpTimeout);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.workloadTokens = Map.copyOf(workloadTokens);
    }

    /**
     * A new access token for {@code config} (whose auth is CLIENT_CREDENTIALS or WORKLOAD).
     *
     * @throws ConnectorException {@link Kind#CONFIGURATION} for a missing client id, secret, key or workload token
     *         source, the grants' typed failures ({@link HeadlessGrant}), {@link Kind#UPSTREAM_UNAVAILABLE}
     */
    public TokenFetcher.Fetched fetch(ServerConfig config, ServerMetadata meta, Set<String> extraScopes) {
        Set<String> scopes = scopes(config, meta, extraScopes);
        AccessToken token = switch (config.auth()) {
            case CLIENT_CREDENTIALS -> clientCredentials(config, meta, scopes);
            case WORKLOAD -> workload(config, meta, scopes);
            default -> throw new IllegalArgumentException("not a headless server: " + config.auth());
        };
        return new TokenFetcher.Fetched(token, new TokenKey("", meta.asIssuer(), meta.resource(),
                String.join(" ", scopes.stream().sorted().toList())));
    }

    /** Whether {@code server} has a workload token supplier given in code. */
    public boolean suppliedWorkloadToken(String server) {
        return workloadTokens.containsKey(server);
    }

    private AccessToken clientCredentials(ServerConfig config, ServerMetadata meta, Set<String> scopes) {
        String server = config.name();
        String issuer = meta.asIssuer();
        String clientId = config.oauthClientId().orElseThrow(() -> new ConnectorException(Kind.CONFIGURATION, server,
                "'" + server + "' uses client credentials but has no client id. Register a client at " + issuer
                        + " and run `xaa server add " + server + " " + config.url() + " --auth client-credentials"
                        + " --client-id ID`.", null, null));
        if (config.pinnedAsIssuer().isPresent() && !config.pinnedAsIssuer().get().equals(issuer)) {
            throw new ConnectorException(Kind.CONFIGURATION, server, "The client " + clientId + " of '" + server
                    + "' is registered at " + config.pinnedAsIssuer().get() + ", but the server now names the "
                    + "authorization server " + issuer + "; its credentials are never sent there.", null, null);
        }
        boolean hasKey = credentials.signingKey(issuer, clientId).isPresent();
        boolean hasSecret = credentials.clientSecret(issuer, clientId).isPresent();
        ClientAuthMethod method = ClientAuthSelection.choose(meta.authorizationServer().getTokenEndpointAuthMethods(),
                Optional.empty(), hasKey, hasSecret);
        if (method == ClientAuthMethod.NONE) {
            throw new ConnectorException(Kind.CONFIGURATION, server, "No secret or key for the client " + clientId
                    + " of '" + server + "' at " + issuer + ": store its secret with `xaa secret set as-client-secret "
                    + server + "`, or register this install's key (`xaa key create`) for it.", null, null);
        }
        LOG.debug("Client credentials grant for '{}' at {} as {} ({})", server, issuer, clientId,
                ClientAuthSelection.wireName(method));
        return grant.clientCredentials(server, meta.asTokenEndpoint(),
                ClientAuthFactory.create(method, issuer, clientId, credentials),
                meta.resource(), scopes, proofs(meta));
    }

    private AccessToken workload(ServerConfig config, ServerMetadata meta, Set<String> scopes) {
        String server = config.name();
        Supplier<String> source = workloadTokens.get(server);
        if (source == null) {
            source = WorkloadJwtSource.of(server, config.workloadToken().orElseThrow(() -> new ConnectorException(
                    Kind.CONFIGURATION, server, "'" + server + "' runs as a workload but has no workload token source."
                    + " Set one: `xaa server add " + server + " " + config.url()
                    + " --auth workload --workload-token file:PATH` (or command:COMMAND).", null, null)));
        }
        String jwt;
        try {
            jwt = source.get();
        } catch (ConnectorException e) {
            throw e;
        } catch (RuntimeException e) { // the caller's supplier: its message might hold the token, so it is not kept
            throw new ConnectorException(Kind.CONFIGURATION, server, "The workload token supplier of '" + server
                    + "' failed (" + e.getClass().getSimpleName() + ")", null, null);
        }
        if (jwt == null || jwt.isBlank()) {
            throw new ConnectorException(Kind.CONFIGURATION, server, "The workload token supplier of '" + server
                    + "' gave no token", null, null);
        }
        LOG.debug("Workload jwt-bearer grant for '{}' at {}", server, meta.asIssuer());
        return grant.workload(server, meta.asTokenEndpoint(), jwt.strip(), config.oauthClientId(), meta.resource(), scopes,
                proofs(meta));
    }

    /** The installation's DPoP proofs where the authorization server advertises ES256 (docs/architecture.md "DPoP"), else null. */
    private dev.xaa4j.connector.internal.dpop.DPoPProofs proofs(ServerMetadata meta) {
        return dpop == null ? null : dpop.ifAdvertised(meta.authorizationServer());
    }

    private static Set<String> scopes(ServerConfig config, ServerMetadata meta, Set<String> extra) {
        Set<String> scopes = new LinkedHashSet<>(config.scopes());
        if (scopes.isEmpty()) {
            meta.challengedScope().filter(s -> !s.isBlank())
                    .ifPresent(s -> scopes.addAll(List.of(s.trim().split("\\s+"))));
        }
        scopes.addAll(extra);
        return scopes;
    }
}
