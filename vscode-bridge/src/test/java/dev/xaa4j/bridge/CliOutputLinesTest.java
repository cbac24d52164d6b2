package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.sample.SampleIssuer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CLI user sees one line per fact: what the library returns to {@code xaa login}/{@code xaa logout}, the CLI
 * prints, and the library's own log line of the same fact is debug (shown with {@code -v}), not a second line on
 * stderr. Real processes against the sample issuer over real HTTP and the OS keyring: inside
 * {@code .ci/with-keyring}.
 */
@Tag("slow")
class CliOutputLinesTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(240)
    void loginAndLogoutWithTheIdpDownPrintExactlyTheCliLines() throws Exception {
        SampleIssuer issuer = KeyringIssuer.startWithKeyring(dir);
        XaaProcess xaa = XaaProcess.in(dir);
        try {
            XaaProcess.ok(xaa.run("idp", issuer.idpIssuer().toString(), "--client-id", "xaa-desktop",
                    "--auth-method", "client_secret_basic"));
            XaaProcess.ok(xaa.run("xaa-desktop-demo-secret\n", Map.of(), "secret", "set", "idp-client-secret"));

            CommandRun login = xaa.login("alice");
            XaaProcess.ok(login);
            assertThat(lines(login)).as("stdout and stderr of xaa login").singleElement()
                    .satisfies(line -> assertThat(line).startsWith("signed in as Alice Anders ("));

            Path browser = XaaProcess.browserScript(dir, "alice");
            CommandRun verbose = xaa.run("", Map.of("BROWSER", browser.toString()), "login", "-v", "--timeout", "60");
            XaaProcess.ok(verbose);
            assertThat(verbose.out()).as("-v still shows the library's line").contains("Signed in to " + issuer.idpIssuer());
        } finally {
            issuer.close(); // the IdP is down from here on
        }

        CommandRun logout = xaa.run("logout");
        XaaProcess.ok(logout);
        assertThat(lines(logout)).as("stdout and stderr of xaa logout with the IdP down").singleElement()
                .satisfies(line -> assertThat(line).startsWith("xaa: warning: ").contains("signed out on this machine"));
        assertThat(xaa.run("status").out()).contains("not signed in");
    }

    private static List<String> lines(CommandRun r) {
        return r.out().lines().filter(l -> !l.isBlank()).toList();
    }
}
