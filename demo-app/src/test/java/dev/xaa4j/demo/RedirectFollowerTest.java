package dev.xaa4j.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.SampleIssuer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The demo's browser: GET, follow redirects on loopback to the callback; nothing else (issue 10 item 7). */
@Timeout(120)
class RedirectFollowerTest {

    @TempDir
    Path state;

    @Test
    void followsTheSampleIssuersAutoApproveRedirectToTheLoopbackCallbackWithACode() throws Exception {
        CompletableFuture<String> callbackQuery = new CompletableFuture<>();
        HttpServer receiver = loopbackServer("/callback", ex -> {
            callbackQuery.complete(ex.getRequestURI().getRawQuery());
            answer(ex, 200, "signed in");
        });
        try (SampleIssuer issuer = SampleIssuer.start(IssuerSettings.defaults(state).withPortBase(0).withDevAutoApprove("alice"))) {
            String redirect = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/callback";
            URI authorize = URI.create(issuer.idpIssuer() + "/authorize?response_type=code&client_id=xaa-desktop"
                    + "&scope=openid&state=s1&code_challenge_method=S256&code_challenge=" + challenge()
                    + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8));

            assertThat(RedirectFollower.follow(authorize)).isTrue();
            assertThat(callbackQuery.get(10, TimeUnit.SECONDS)).contains("code=", "state=s1");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void refusesAnythingButPlainHttpOnLoopback() {
        assertThatThrownBy(() -> RedirectFollower.follow(URI.create("https://idp.example.com/authorize?client_id=x")))
                .isInstanceOf(RedirectFollower.Refused.class).hasMessageContaining("not a plain http URL");
        assertThatThrownBy(() -> RedirectFollower.follow(URI.create("http://192.0.2.10/authorize")))
                .isInstanceOf(RedirectFollower.Refused.class).hasMessageContaining("not on a loopback address");
    }

    @Test
    void refusesARedirectAwayFromThisMachine() throws Exception {
        HttpServer server = loopbackServer("/authorize", ex -> {
            ex.getResponseHeaders().add("Location", "http://192.0.2.10/callback?code=stolen");
            answer(ex, 302, "");
        });
        try {
            assertThatThrownBy(() -> RedirectFollower.follow(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/authorize")))
                    .isInstanceOf(RedirectFollower.Refused.class).hasMessageContaining("the redirect is not on a loopback address");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void refusesASignInPageInsteadOfFillingIt() throws Exception {
        HttpServer server = loopbackServer("/authorize", ex -> answer(ex, 200,
                "<html><form method=\"post\" action=\"/authorize\"><input name=\"username\"><input name=\"password\"></form></html>"));
        try {
            assertThatThrownBy(() -> RedirectFollower.follow(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/authorize")))
                    .isInstanceOf(RedirectFollower.Refused.class).hasMessageContaining("--dev-auto-approve USER");
        } finally {
            server.stop(0);
        }
    }

    private static HttpServer loopbackServer(String path, HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(path, handler);
        server.start();
        return server;
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    /** A well-formed S256 code challenge (43 base64url characters); the code is never redeemed here. */
    private static String challenge() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
    }
}
