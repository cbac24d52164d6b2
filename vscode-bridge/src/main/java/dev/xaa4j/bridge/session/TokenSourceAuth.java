package dev.xaa4j.bridge.session;

import dev.xaa4j.bridge.BridgeException;
import dev.xaa4j.bridge.proxy.UpstreamAuth;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.mcp.McpTransports;
import java.util.Set;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.host.SharedTokenSource;
import dev.xaa4j.connector.internal.ProtocolNames;
import dev.xaa4j.connector.internal.http.Challenge;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bridge's {@link UpstreamAuth} over a {@link TokenSource} (for {@code xaa bridge}: the {@link SharedTokenSource},
 * the broker while one runs, else the embedded connector). "Not signed in" is an empty header; every other failure
 * is the bridge's reason for it ({@link BridgeException#of}): a plain-OAuth server without a grant is
 * {@link BridgeException.Reason#SERVER_SIGN_IN_REQUIRED}, never a browser from here. A server that takes no token
 * ({@link ConnectorException.Kind#NOT_PROTECTED}) is an empty header: requests go without {@code Authorization}.
 * With {@code interactive} and no broker, a missing IdP session opens the browser here, at most once at a time;
 * with a broker, its host is told instead (never a browser from a bridge). {@link #onChange} fires on sign-in,
 * sign-out and every issued token (so a bridge waiting for a per-server sign-in connects at once). Thread-safe.
 */
public final class TokenSourceAuth implements UpstreamAuth {

    private static final Logger LOG = LoggerFactory.getLogger(TokenSourceAuth.class);

    private final TokenSource source;
    private final boolean interactive;
    private final Map<String, String> lastToken = new ConcurrentHashMap<>();
    private final AtomicBoolean signingIn = new AtomicBoolean();

    public TokenSourceAuth(TokenSource source, boolean interactive) {
        this.source = source;
        this.interactive = interactive;
    }

    public TokenSource source() {
        return source;
    }

    @Override
    public Optional<String> authorization(String server) {
        return token(server).map(TokenSourceAuth::header);
    }

    /**
     * For a DPoP-bound token, {@code Authorization: DPoP …} and a fresh proof from {@link TokenSource#dpopProof} for
     * this very request (RFC 9449 §7.1); a Bearer token as {@link #authorization}. A DPoP-bound token that the source
     * cannot prove (its {@code CONFIGURATION}: DPoP is off in this connector and the token was stored by a process
     * with it on) is dropped and renewed once, as Bearer; any other error of the proof is the caller's.
     */
    @Override
    public Optional<Credentials> credentials(String server, String method, URI uri, Optional<String> nonce) {
        for (int attempt = 0; ; attempt++) {
            Optional<AccessToken> token = token(server);
            if (token.isEmpty() || !token.get().dpopBound()) {
                return token.map(t -> new Credentials(header(t), Optional.empty()));
            }
            try {
                Optional<String> proof = source.dpopProof(token.get(), method, uri, nonce);
                return Optional.of(new Credentials(header(token.get()), proof));
            } catch (ConnectorException e) {
                if (e.kind() != ConnectorException.Kind.CONFIGURATION || attempt > 0) {
                    throw BridgeException.of(e);
                }
                LOG.info("MCP server '{}''s token is DPoP-bound but DPoP is off here: asking for a new token", server);
                lastToken.remove(server);
                source.invalidate(server, token.get().value());
            } catch (RuntimeException e) {
                throw BridgeException.of(e);
            }
        }
    }

    /** SEP-2133: Enterprise-Managed Authorization for a server whose flow is EMA, else none. */
    @Override
    public Set<String> extensions(String server) {
        return McpTransports.usesEnterpriseManagedAuthorization(source, server)
                ? Set.of(ENTERPRISE_MANAGED_AUTHORIZATION) : Set.of();
    }

    /** The {@code Authorization} value: {@code DPoP} for a DPoP-bound token (RFC 9449 §7.1), else as issued; "" for none. */
    private static String header(AccessToken token) {
        if (token.value().isEmpty()) {
            return "";
        }
        return token.dpopBound() ? "DPoP " + token.value() : token.authorizationHeader();
    }

    /** The current token; an empty value = send no {@code Authorization}; empty = not signed in. */
    private Optional<AccessToken> token(String server) {
        try {
            AccessToken token = source.token(server);
            lastToken.put(server, token.value());
            return Optional.of(token);
        } catch (ConnectorException e) {
            lastToken.remove(server);
            if (e.kind() == ConnectorException.Kind.NOT_PROTECTED) {
                lastToken.put(server, ""); // sent without Authorization; a 401 to it makes the engine decide again
                return Optional.of(new AccessToken(server, "", "Bearer", java.time.Instant.MAX, java.util.Set.of()));
            }
            if (e.kind() != ConnectorException.Kind.SIGN_IN_REQUIRED) { // a per-server sign-in too: never a browser here
                throw BridgeException.of(e);
            }
            if (interactive && !viaBroker()) {
                signIn();
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            lastToken.remove(server);
            throw BridgeException.of(e);
        }
    }

    private boolean viaBroker() {
        return source instanceof SharedTokenSource shared && shared.usingBroker();
    }

    private void signIn() {
        if (!signingIn.compareAndSet(false, true)) {
            return;
        }
        LOG.info("not signed in: opening the browser to sign in (--interactive)");
        try {
            source.signIn().whenComplete((status, failure) -> {
                signingIn.set(false);
                if (failure != null) {
                    LOG.warn("sign-in did not complete: {}", failure.getMessage());
                }
            });
        } catch (RuntimeException failed) {
            signingIn.set(false);
            LOG.warn("cannot start the sign-in: {}", failed.getMessage());
        }
    }

    @Override
    public void unauthorized(String server) {
        unauthorized(server, Optional.empty());
    }

    @Override
    public void unauthorized(String server, Optional<Challenge> challenge) {
        String rejected = lastToken.remove(server);
        if (rejected != null) {
            // "": a request sent without a token (a server decided NONE) was refused: the engine decides again
            LOG.info(rejected.isEmpty() ? "MCP server '{}' now asks for a token: deciding its flow again"
                    : "MCP server '{}' rejected the token: asking for a new one", server);
            Optional<URI> resourceMetadata = challenge.flatMap(c -> c.param(ProtocolNames.RESOURCE_METADATA))
                    .flatMap(TokenSourceAuth::uri);
            List<String> scopes = challenge.flatMap(c -> c.param(ProtocolNames.SCOPE)).filter(s -> !s.isBlank())
                    .map(s -> Arrays.asList(s.trim().split("\\s+"))).orElse(List.of());
            source.invalidate(server, rejected, resourceMetadata, scopes);
        }
    }

    private static Optional<URI> uri(String value) {
        try {
            return Optional.of(new URI(value));
        } catch (URISyntaxException e) {
            return Optional.empty(); // a malformed resource_metadata: discovery falls back to the well-known URLs
        }
    }

    @Override
    public boolean stepUp(String server, String scope) {
        return source.requestScopes(server, Arrays.asList(scope.trim().split("\\s+")));
    }

    @Override
    public void onChange(Runnable listener) {
        source.addListener(event -> {
            // TokenIssued: a per-server sign-in finished (here, or at the broker's host), or a token was renewed
            if (event instanceof ConnectorEvent.SignedIn || event instanceof ConnectorEvent.SignedOut
                    || event instanceof ConnectorEvent.TokenIssued) {
                listener.run();
            }
        });
        if (source instanceof SharedTokenSource shared) {
            shared.onSwitch(listener); // the broker went away or came: worth reconnecting at once
        }
    }
}
