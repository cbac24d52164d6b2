package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.testing.TestBrowserScript;
import dev.xaa4j.sample.SampleIssuers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Builds connectors wired to the sample issuer's demo clients ({@link SampleIssuers}). */
public final class SampleIssuerFixture {
    public static final String IDP_CLIENT = SampleIssuers.IDP_CLIENT;
    public static final String IDP_SECRET = SampleIssuers.IDP_SECRET;
    public static final String AS_CLIENT = SampleIssuers.AS_CLIENT;
    public static final String AS_SECRET = SampleIssuers.AS_SECRET;

    private SampleIssuerFixture() {
    }

    public static ClientCredentialsSource secrets() {
        return ClientCredentialsSource.ofSecrets(Map.of(IDP_CLIENT, IDP_SECRET, AS_CLIENT, AS_SECRET));
    }

    public static Connector.Builder connector(URI idpIssuer, Map<String, URI> servers, CredentialStore store, Path stateDir) {
        Connector.Builder b = ConnectorInternals.credentialStore(Connector.builder()
                .idp(new IdpConfig(idpIssuer, IDP_CLIENT, ClientAuthMethod.CLIENT_SECRET_BASIC)), store)
                .clientCredentials(secrets())
                .stateDir(stateDir);
        servers.forEach((name, url) -> b.server(ServerConfig.of(name, url, AS_CLIENT, ClientAuthMethod.CLIENT_SECRET_BASIC)));
        return b;
    }

    /** A sign-in that the scripted test browser completes as {@code user}. */
    public static Connector.Builder withTestBrowser(Connector.Builder b, Path dir, String user) throws Exception {
        Path browser = TestBrowserScript.write(dir, user, user, dir.resolve("browser.log"));
        return ConnectorInternals.browserSignIn(b, new BrowserSignIn(), new SignInOptions(List.of("email", "profile"), Duration.ofSeconds(60),
                "127.0.0.1", browser.toString()));
    }
}
