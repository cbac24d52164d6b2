package dev.xaa4j.desktop;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.AuthMode;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A token source double for the tray's per-server sign-in (the engine's {@code signIn(server)} is another part's):
 * the status it reports is set by the test, every call is recorded, and a "Sign in to SERVER" stays open until the
 * test completes it ({@link #signInFlight}).
 */
final class FakeTokenSource implements TokenSource {

    final Map<String, ServerStatus> servers = new ConcurrentHashMap<>();
    final List<String> serverSignIns = new CopyOnWriteArrayList<>();
    final List<String> serverSignOuts = new CopyOnWriteArrayList<>();
    final List<String> companyCalls = new CopyOnWriteArrayList<>();
    final Map<String, CompletableFuture<ServerStatus>> flights = new ConcurrentHashMap<>();
    volatile Optional<String> user = Optional.empty();

    /** A plain-OAuth server that has no grant: what the engine reports after a token request. */
    static ServerStatus needsOwnSignIn(String server) {
        return new ServerStatus(server, ServerState.SIGN_IN_REQUIRED, Optional.empty(), Set.of(),
                Optional.of("sign in to " + server), Optional.of(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED),
                Optional.empty(), AuthMode.OAUTH, Optional.of("its authorization server does not redeem ID-JAGs"));
    }

    static ServerStatus working(String server, AuthMode flow) {
        return new ServerStatus(server, ServerState.READY, Optional.of(Instant.now().plusSeconds(600)), Set.of("wiki.read"),
                Optional.empty(), Optional.empty(), Optional.empty(), flow, Optional.of("test"));
    }

    CompletableFuture<ServerStatus> signInFlight(String server) {
        return flights.computeIfAbsent(server, s -> new CompletableFuture<>());
    }

    @Override
    public CompletableFuture<ServerStatus> signIn(String server) {
        serverSignIns.add(server);
        return signInFlight(server);
    }

    @Override
    public ServerStatus signOut(String server) {
        serverSignOuts.add(server);
        ServerStatus out = needsOwnSignIn(server);
        servers.put(server, out);
        return out;
    }

    @Override
    public ConnectorStatus status() {
        return new ConnectorStatus(user, Optional.empty(), false, Map.copyOf(servers));
    }

    @Override
    public CompletableFuture<ConnectorStatus> signIn() {
        companyCalls.add("signIn");
        return new CompletableFuture<>();
    }

    @Override
    public SignOutResult signOut() {
        companyCalls.add("signOut");
        return new SignOutResult(user, SignOutResult.Revocation.REVOKED, Optional.empty());
    }

    @Override
    public AccessToken token(String server) {
        throw new ConnectorException(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED, "sign in to " + server);
    }

    @Override
    public boolean invalidate(String server, String rejectedValue) {
        return false;
    }

    @Override
    public boolean requestScopes(String server, Collection<String> scopes) {
        return false;
    }

    @Override
    public void addListener(ConnectorListener listener) {
    }

    @Override
    public void removeListener(ConnectorListener listener) {
    }

    @Override
    public void close() {
    }
}
