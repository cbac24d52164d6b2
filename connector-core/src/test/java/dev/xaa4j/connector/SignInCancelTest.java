package dev.xaa4j.connector;

import dev.xaa4j.connector.internal.ConnectorInternals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.xaa4j.connector.internal.signin.BrowserSignIn;
import dev.xaa4j.connector.internal.signin.SignInOptions;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.SampleIssuers;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A "Cancel" button: cancelling {@link Connector#signIn()}'s future closes the loopback listener at once. */
class SignInCancelTest {

    @TempDir
    Path tmp;

    @Test
    void cancellingTheSignInFutureClosesTheLoopbackListener() throws Exception {
        try (SampleIssuer issuer = SampleIssuers.start(tmp.resolve("issuer"))) {
            Path url = tmp.resolve("url.txt");
            Path browser = tmp.resolve("browser.sh"); // a browser that only remembers the address
            Files.writeString(browser, "#!/bin/sh\nprintf '%s' \"$1\" > '" + url + "'\n");
            Files.setPosixFilePermissions(browser, PosixFilePermissions.fromString("rwx------"));
            try (Connector connector = ConnectorInternals.browserSignIn(SampleIssuerFixture.connector(issuer.idpIssuer(),
                            issuer.servers(), new MemoryCredentialStore(), tmp.resolve("state")),
                    new BrowserSignIn(), new SignInOptions(List.of(), Duration.ofMinutes(5), "127.0.0.1", browser.toString()))
                    .build()) {
                CompletableFuture<ConnectorStatus> signIn = connector.signIn();
                await("the browser is given the authorization URL").atMost(Duration.ofSeconds(20))
                        .until(() -> Files.exists(url) && Files.size(url) > 0);
                int port = redirectPort(Files.readString(url));
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000); // listening while it waits
                }

                assertThat(signIn.cancel(true)).isTrue();

                assertThatThrownBy(signIn::join).isInstanceOf(CancellationException.class);
                assertThat(connector.status().signedIn()).isFalse();
                assertThatThrownBy(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    }
                }).isInstanceOf(ConnectException.class);
            }
        }
    }

    private static int redirectPort(String authorizeUrl) {
        for (String p : URI.create(authorizeUrl).getRawQuery().split("&")) {
            if (p.startsWith("redirect_uri=")) {
                return URI.create(URLDecoder.decode(p.substring("redirect_uri=".length()), StandardCharsets.UTF_8)).getPort();
            }
        }
        throw new AssertionError("no redirect_uri in " + authorizeUrl);
    }
}
