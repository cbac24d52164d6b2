package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.testing.TestBrowserScript;
import dev.xaa4j.sample.SampleIssuer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Builds connectors wired to the sample issuer's demo clients (sample-issuer demo-policy.json). */
public final class SampleIssuerFixture {
    public static final String IDP_CLIENT = "xaa-desktop";
    public static final String IDP_SECRET = "xaa-desktop-demo-secret";
    public static final String AS_CLIENT = "xaa-desktop-mcp";
    public static final String AS_SECRET = "xaa-desktop-mcp-demo-secret";

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

    /** POST {idp}/admin/{action} {"user":…,"server":…}. */
    public static int admin(SampleIssuer issuer, String action, String user, String server) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/" + action))
                .header("Authorization", "Bearer " + issuer.adminToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"user\":\"" + user + "\",\"server\":\"" + server + "\"}"))
                .build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
