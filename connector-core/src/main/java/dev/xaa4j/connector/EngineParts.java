package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.internal.oauth.ServerGrants;
import dev.xaa4j.connector.internal.signin.BrowserLauncher;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.token.TokenFetcher;

/**
 * The engine-typed settings of a {@link Connector.Builder}: set only through
 * {@link dev.xaa4j.connector.internal.ConnectorInternals} by the hosts and tests of this repository, read by
 * {@link ConnectorAssembly}; {@code null} = the default part. Not API, not thread-safe (a builder's).
 */
final class EngineParts {
    /** Where the IdP session, grants and keys live; null = the OS keyring. */
    CredentialStore store;
    Discovery discovery;
    BrowserSignIn browserSignIn;
    SignInOptions signInOptions = SignInOptions.defaults();
    TokenFetcher fetcher;
    BrowserLauncher browserLauncher;
    ServerGrants grants;
}
