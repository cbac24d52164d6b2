package dev.xaa4j.connector.testing;

import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import dev.xaa4j.connector.internal.oauth.ServerGrants;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ServerGrants} double for the flow choice: records every call; {@code token} without a grant is
 * {@link ConnectorException.Kind#SERVER_SIGN_IN_REQUIRED}, {@code signIn} grants; after {@link #forbid} any
 * token or sign-in fails the test (for "a denial never falls back to per-server OAuth").
 */
public final class RecordingServerGrants implements ServerGrants {
    /** The value of every token {@link #token} returns. */
    public static final String REFRESHED = "oauth-token";
    /** The value of every token {@link #signIn} returns. */
    public static final String SIGNED_IN = "oauth-sign-in-secret";

    public final List<String> calls = new CopyOnWriteArrayList<>();
    public volatile boolean granted;
    public volatile CountDownLatch signInGate = new CountDownLatch(0);
    /** The metadata the last {@link #token} call was given. */
    public volatile ServerMetadata lastMeta;
    private volatile String forbidden;

    public void forbid(String why) {
        forbidden = why;
    }

    private void record(String call) {
        if (forbidden != null) {
            throw new AssertionError("per-server OAuth used after " + forbidden + ": " + call);
        }
        calls.add(call);
    }

    @Override
    public TokenFetcher.Fetched token(ServerConfig server, ServerMetadata meta, Set<String> extraScopes,
                                      Set<String> stepUpScopes, boolean interactive) {
        record("token interactive=" + interactive);
        lastMeta = meta;
        if (!granted) {
            throw new ConnectorException(ConnectorException.Kind.SERVER_SIGN_IN_REQUIRED, server.name(),
                    "Sign in to '" + server.name() + "' first (xaa login " + server.name() + ")", null, null);
        }
        return fetched(server.name(), REFRESHED);
    }

    @Override
    public TokenFetcher.Fetched signIn(ServerConfig server, ServerMetadata meta, Set<String> scopes) {
        record("signIn " + meta.resource());
        try {
            signInGate.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        granted = true;
        return fetched(server.name(), SIGNED_IN);
    }

    @Override
    public boolean hasGrant(String server) {
        return granted;
    }

    @Override
    public void signOut(ServerConfig server, Optional<ServerMetadata> meta) {
        calls.add("signOut " + meta.map(ServerMetadata::asIssuer).orElse("-"));
        granted = false;
    }

    @Override
    public void close() {
    }

    /** A token for {@code server} valid for 10 minutes. */
    public static TokenFetcher.Fetched fetched(String server, String value) {
        return new TokenFetcher.Fetched(new AccessToken(server, value, "Bearer", Instant.now().plusSeconds(600),
                Set.of("mcp:basic")), new TokenKey("", "as", "res", ""));
    }
}
