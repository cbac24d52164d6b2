package dev.xaa4j.bridge.demo;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The demo login aid fills only the sample issuer's form on this machine. */
class DemoLoginAidTest {

    @Test
    void refusesAnythingButPlainHttpOnLoopback() {
        assertThatThrownBy(() -> DemoLoginAid.signIn("alice", URI.create("https://idp.example.com/authorize?client_id=x")))
                .isInstanceOf(DemoLoginAid.Refused.class).hasMessageContaining("not a plain http URL");
        assertThatThrownBy(() -> DemoLoginAid.signIn("alice", URI.create("http://192.0.2.10/authorize")))
                .isInstanceOf(DemoLoginAid.Refused.class).hasMessageContaining("not on a loopback address");
        assertThatThrownBy(() -> DemoLoginAid.signIn("alice", URI.create("http://127.0.0.1:9/login")))
                .isInstanceOf(DemoLoginAid.Refused.class).hasMessageContaining("/authorize");
    }

    @Test
    void refusesALoopbackPageThatIsNotTheSampleLoginForm() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/authorize", ex -> {
            byte[] page = "<html><form method=\"post\" action=\"https://elsewhere.example/steal\"><input name=\"username\"><input name=\"password\"></form></html>"
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        server.start();
        try {
            URI page = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/authorize?client_id=x");
            assertThatThrownBy(() -> DemoLoginAid.signIn("alice", page))
                    .isInstanceOf(DemoLoginAid.Refused.class).hasMessageContaining("not the sample issuer's login form");
        } finally {
            server.stop(0);
        }
    }
}
