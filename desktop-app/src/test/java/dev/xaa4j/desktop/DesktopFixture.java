package dev.xaa4j.desktop;

import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.token.RenewalPolicy;
import dev.xaa4j.connector.testing.TestBrowserScript;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.SampleIssuers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real peer for the desktop tests: the sample issuer (IdP + AS + notes/tickets MCP servers) with 6 s access
 * tokens, so a background renewal (and so an admin revocation) shows up within seconds; a per-test config file
 * in the {@code xaa} format; the session in memory; sign-in through the scripted browser.
 */
final class DesktopFixture {

    static SampleIssuer startIssuer(Path state) throws Exception {
        return SampleIssuers.start(state, SampleIssuers.accessTokensLasting(Duration.ofSeconds(6)));
    }

    /** The {@code xaa} config file with the IdP and the named servers of {@code issuer}. */
    static Path writeConfig(Path dir, SampleIssuer issuer, List<String> servers) throws Exception {
        StringBuilder json = new StringBuilder("{\"idp\":{\"issuer\":\"" + issuer.idpIssuer() + "\",\"clientId\":\""
                + SampleIssuerFixture.IDP_CLIENT + "\",\"authMethod\":\"client_secret_basic\"},\"servers\":{");
        for (int i = 0; i < servers.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"').append(servers.get(i)).append("\":{\"url\":\"")
                    .append(issuer.server(servers.get(i))).append("\",\"asClientId\":\"")
                    .append(SampleIssuerFixture.AS_CLIENT).append("\"}");
        }
        json.append("}}");
        Path file = dir.resolve("xaa4j").resolve("config.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
        return file;
    }

    /** TraySession options: memory session, demo secrets, the scripted browser signing in as {@code user}. */
    static TraySession.Options engine(Path dir, String user, String browserCommand) throws Exception {
        String browser = browserCommand != null ? browserCommand
                : TestBrowserScript.write(dir, user, user, dir.resolve("browser.log")).toString();
        return new TraySession.Options(new MemoryCredentialStore(), SampleIssuerFixture.secrets(), dir.resolve("state"),
                new SignInOptions(List.of("email", "profile"), Duration.ofSeconds(60), "127.0.0.1", browser),
                RenewalPolicy.defaults().withDeniedRetryAfter(Duration.ofSeconds(2)).withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2)));
    }

    static DesktopShell.Options shellOptions(Path config, TraySession.Options engine, boolean tray) {
        return shellOptions(config, engine, tray, null);
    }

    static DesktopShell.Options shellOptions(Path config, TraySession.Options engine, boolean tray, Path broker) {
        return new DesktopShell.Options(config, Map.of(), engine, tray, Duration.ofMillis(250), Duration.ofSeconds(2), broker);
    }

    static int revoke(SampleIssuer issuer, String user, String server) throws Exception {
        return SampleIssuers.admin(issuer, "revoke", user, server);
    }

    private DesktopFixture() {
    }
}
