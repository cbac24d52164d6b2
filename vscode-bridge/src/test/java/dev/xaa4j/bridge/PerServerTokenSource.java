package dev.xaa4j.bridge;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.ConnectorEvent;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ConnectorListener;
import dev.xaa4j.connector.ConnectorStatus;
import dev.xaa4j.connector.ServerState;
import dev.xaa4j.connector.ServerStatus;
import dev.xaa4j.connector.SignOutResult;
import dev.xaa4j.connector.TokenSource;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TokenSource} double for one server of the given flow: a plain-OAuth server without a grant answers
 * {@link ConnectorException.Kind#SERVER_SIGN_IN_REQUIRED} until {@link #grant} (as a finished {@code xaa login
 * SERVER} would), which issues the token and tells listeners ({@link ConnectorEvent.TokenIssued}, off the caller's
 * thread); a {@link AuthMode#NONE} server answers {@link ConnectorException.Kind#NOT_PROTECTED}.
 */
public final class PerServerTokenSource implements TokenSource {

    private final String server;
    private final AuthMode flow;
    private final List<ConnectorListener> listeners = new CopyOnWriteArrayList<>();
    final AtomicInteger tokenCalls = new AtomicInteger();
    private volatile String token;

    public PerServerTokenSource(String server, AuthMode flow) {
        this.server = server;
        this.flow = flow;
    }

    /** The server's grant now exists: {@code value} is its token, and listeners hear {@code token_issued}. */
    public void grant(String value) {
        token = value;
        ConnectorEvent e = new ConnectorEvent.TokenIssued(Instant.now(), server, Set.of(), Instant.now().plusSeconds(3600));
        CompletableFuture.runAsync(() -> listeners.forEach(l -> l.onEvent(e)));
    }

    @Override
    public AccessToken token(String s) {
        tokenCalls.incrementAndGet();
        if (flow == AuthMode.NONE) {
            throw new ConnectorException(ConnectorException.Kind.NOT_PROTECTED, s, "'" + s + "' takes no token", null, null);
        }
        String t = token;
        if (t == null) {
            throw new ConnectorException(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED, s,
                    "no grant for '" + s + "' yet", null, null);
        }
        return new AccessToken(s, t, dpopKey == null ? "Bearer" : "DPoP", Instant.now().plusSeconds(3600), Set.of());
    }

    /** When set, tokens are DPoP-bound to this key and {@link #dpopProof} makes real proofs with it (Nimbus). */
    public volatile com.nimbusds.jose.jwk.ECKey dpopKey;

    @Override
    public Optional<String> dpopProof(AccessToken token, String method, java.net.URI uri, Optional<String> nonce) {
        if (!token.dpopBound()) {
            return Optional.empty();
        }
        try {
            java.net.URI htu = new java.net.URI(uri.getScheme(), uri.getRawAuthority(), uri.getPath(), null, null);
            return Optional.of(new com.nimbusds.oauth2.sdk.dpop.DefaultDPoPProofFactory(dpopKey,
                    com.nimbusds.jose.JWSAlgorithm.ES256).createDPoPJWT(method, htu,
                    new com.nimbusds.oauth2.sdk.token.DPoPAccessToken(token.value()),
                    nonce.map(com.nimbusds.openid.connect.sdk.Nonce::new).orElse(null)).serialize());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The values {@link #invalidate} was given ({@code ""}: a request without a token was refused). */
    final List<String> invalidated = new CopyOnWriteArrayList<>();
    /** The 401 challenges' {@code resource_metadata} and {@code scope} the 4-argument invalidate was given. */
    final List<String> challenges = new CopyOnWriteArrayList<>();

    @Override
    public boolean invalidate(String s, String rejectedValue, java.util.Optional<java.net.URI> resourceMetadata,
                              Collection<String> scopes) {
        challenges.add(resourceMetadata.map(Object::toString).orElse("-") + " " + String.join(",", scopes));
        return invalidate(s, rejectedValue);
    }

    @Override
    public boolean invalidate(String s, String rejectedValue) {
        invalidated.add(rejectedValue);
        return false;
    }

    /** The scopes {@link #requestScopes} was asked for (a step-up), one entry per call. */
    final List<String> scopeRequests = new CopyOnWriteArrayList<>();

    @Override
    public boolean requestScopes(String s, Collection<String> scopes) {
        scopeRequests.add(String.join(" ", scopes));
        return false;
    }

    @Override
    public CompletableFuture<ConnectorStatus> signIn() {
        throw new UnsupportedOperationException("not in this double");
    }

    /** The per-server sign-ins asked of this source, by server. */
    final List<String> signIns = new CopyOnWriteArrayList<>();

    /** As a finished browser sign-in: the grant exists afterwards. */
    @Override
    public CompletableFuture<ServerStatus> signIn(String s) {
        signIns.add(s);
        grant(s + "-token");
        return CompletableFuture.completedFuture(status().servers().get(server));
    }

    @Override
    public ServerStatus signOut(String s) {
        token = null;
        return status().servers().get(s);
    }

    @Override
    public SignOutResult signOut() {
        return new SignOutResult(Optional.empty(), SignOutResult.Revocation.NOTHING_TO_REVOKE, Optional.empty());
    }

    @Override
    public ConnectorStatus status() {
        ServerStatus st = new ServerStatus(server, token == null ? ServerState.IDLE : ServerState.READY, Optional.empty(),
                Set.of(), Optional.empty()).withFlow(flow, Optional.of("the double's flow"));
        return new ConnectorStatus(Optional.empty(), Optional.empty(), false, Map.of(server, st));
    }

    @Override
    public void addListener(ConnectorListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(ConnectorListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void close() {
    }
}
