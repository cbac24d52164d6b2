package dev.xaa4j.connector.internal;

import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.token.RenewalPolicy;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import java.util.Objects;

/**
 * The {@link Connector.Builder} settings that take engine types, for the hosts of this repository and its tests
 * (both on the class path): they are not part of the public API, which takes API types only (docs/architecture.md
 * "Public API"). Each method sets one setting on {@code builder} and returns it, so that calls nest:
 * {@code ConnectorInternals.tokenFetcher(Connector.builder().idp(idp), fetcher).build()}.
 *
 * <p>The builder hands its setters to this class once, when it is first loaded (the pattern of the JDK's
 * {@code SharedSecrets}). Thread-safe; a builder itself is not.
 */
public final class ConnectorInternals {

    /** The builder's engine-typed setters; implemented by {@link Connector.Builder} only. */
    public interface Setters {
        void credentialStore(Connector.Builder builder, CredentialStore store);

        void renewalPolicy(Connector.Builder builder, RenewalPolicy policy);

        void discovery(Connector.Builder builder, Discovery discovery);

        void browserSignIn(Connector.Builder builder, BrowserSignIn signIn, SignInOptions options);

        void tokenFetcher(Connector.Builder builder, TokenFetcher fetcher);

        void browserLauncher(Connector.Builder builder, dev.xaa4j.connector.internal.signin.BrowserLauncher launcher);

        void serverGrants(Connector.Builder builder, dev.xaa4j.connector.internal.oauth.ServerGrants grants);
    }

    private static volatile Setters setters;

    private ConnectorInternals() {
    }

    /** Called once by {@link Connector.Builder}'s static initializer. */
    public static void install(Setters s) {
        synchronized (ConnectorInternals.class) {
            if (setters != null) {
                throw new IllegalStateException("already installed");
            }
            setters = Objects.requireNonNull(s);
        }
    }

    /** Where the IdP session (and, by default, client secrets) are kept, instead of the OS keyring. */
    public static Connector.Builder credentialStore(Connector.Builder builder, CredentialStore store) {
        setters().credentialStore(builder, store);
        return builder;
    }

    /** The whole renewal policy (the API offers its durations one by one). */
    public static Connector.Builder renewalPolicy(Connector.Builder builder, RenewalPolicy policy) {
        setters().renewalPolicy(builder, policy);
        return builder;
    }

    /** A discovery shared with the host (one metadata cache). */
    public static Connector.Builder discovery(Connector.Builder builder, Discovery discovery) {
        setters().discovery(builder, discovery);
        return builder;
    }

    /** The browser sign-in and its options (loopback addresses, timeout, scopes, browser command). */
    public static Connector.Builder browserSignIn(Connector.Builder builder, BrowserSignIn signIn, SignInOptions options) {
        setters().browserSignIn(builder, signIn, options);
        return builder;
    }

    /** Replaces the whole renewal chain (tests and benchmarks with a fake token source). */
    public static Connector.Builder tokenFetcher(Connector.Builder builder, TokenFetcher fetcher) {
        setters().tokenFetcher(builder, fetcher);
        return builder;
    }

    /**
     * Where authorization requests are shown (IdP sign-in and per-server sign-in) instead of the system browser:
     * tests and the MCP conformance harness pass a headless redirect follower.
     */
    public static Connector.Builder browserLauncher(Connector.Builder builder,
                                                    dev.xaa4j.connector.internal.signin.BrowserLauncher launcher) {
        setters().browserLauncher(builder, launcher);
        return builder;
    }

    /** The plain MCP authorization flow of the connector (default {@code OAuthServerGrants}); tests pass a double. */
    public static Connector.Builder serverGrants(Connector.Builder builder,
                                                 dev.xaa4j.connector.internal.oauth.ServerGrants grants) {
        setters().serverGrants(builder, grants);
        return builder;
    }

    private static Setters setters() {
        Setters s = setters;
        if (s == null) {
            Connector.builder(); // loads the builder class, which installs its setters
            s = setters;
        }
        return s;
    }
}
