package dev.xaa4j.connector.internal.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.internal.discovery.Discovery;
import dev.xaa4j.connector.testing.StubProxy;
import dev.xaa4j.connector.testing.TestCertificates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery over real HTTPS through a stub proxy: an IdP named {@code idp.internal.test} (which does not
 * resolve) is reachable only through the proxy, with a self-signed certificate trusted only through
 * {@code XAA_CA_BUNDLE}.
 */
@Timeout(60)
class NetworkWireTest {

    private static final String HOST = "idp.internal.test";

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static HttpsServer idp;
    @AutoClose // after each test
    private StubProxy proxy;

    @BeforeAll
    static void startIdp() throws Exception {
        certs = TestCertificates.create(dir, HOST);
        idp = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        idp.setHttpsConfigurator(new HttpsConfigurator(certs.serverContext()));
        idp.createContext("/", ex -> {
            String host = ex.getRequestHeaders().getFirst("Host");
            String issuer = "https://" + host + "/idp";
            byte[] body = ("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                    + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\","
                    + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
                    + "\"id_token_signing_alg_values_supported\":[\"RS256\"],\"code_challenge_methods_supported\":[\"S256\"]}")
                    .getBytes(StandardCharsets.UTF_8);
            int status = ex.getRequestURI().getPath().equals("/idp/.well-known/openid-configuration") ? 200 : 404;
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        idp.start();
    }

    @AfterAll
    static void stopIdp() {
        idp.stop(0);
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = StubProxy.start().reach(HOST);
    }

    private static URI issuer(String host) {
        return URI.create("https://" + host + ":" + idp.getAddress().getPort() + "/idp");
    }

    private static Discovery discovery(Map<String, String> env, Properties props) {
        return new Discovery(Clock.systemUTC(), Duration.ofMinutes(1), Duration.ofSeconds(5), Network.from(env, props));
    }

    private Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>();
        m.put(Network.CA_BUNDLE, certs.pem().toString());
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void reachesAHostOnlyTheProxyCanReachThroughHttpsProxyWithConnect() {
        var md = discovery(env("HTTPS_PROXY", proxy.url()), new Properties()).idp(issuer(HOST));

        assertThat(md.getIssuer().getValue()).isEqualTo(issuer(HOST).toString());
        assertThat(proxy.requests()).containsExactly("CONNECT " + HOST + ":" + idp.getAddress().getPort() + " HTTP/1.1");
    }

    @Test
    void honoursLowerCaseHttpsProxyAndJavasHttpsProxyProperties() {
        discovery(env("https_proxy", proxy.url() + "/"), new Properties()).idp(issuer(HOST));
        Properties java = new Properties();
        java.setProperty("https.proxyHost", "127.0.0.1");
        java.setProperty("https.proxyPort", String.valueOf(proxy.port()));
        discovery(env(), java).idp(issuer(HOST));

        assertThat(proxy.requests()).hasSize(2).allSatisfy(r -> assertThat(r).startsWith("CONNECT " + HOST));
    }

    @Test
    void noProxyHostsGoDirect() {
        Discovery d = discovery(env("HTTPS_PROXY", proxy.url(), "NO_PROXY", ".internal.test"), new Properties());

        assertThatThrownBy(() -> d.idp(issuer(HOST))).isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageContaining("Cannot reach");
        assertThat(proxy.requests()).isEmpty();
    }

    @Test
    void loopbackGoesDirectEvenWithAProxySet() {
        var md = discovery(env("HTTPS_PROXY", proxy.url(), "HTTP_PROXY", proxy.url()), new Properties()).idp(issuer("127.0.0.1"));

        assertThat(md.getIssuer().getValue()).isEqualTo(issuer("127.0.0.1").toString());
        assertThat(proxy.requests()).isEmpty();
    }

    @Test
    void withoutTheBundleTheSelfSignedCertificateIsRefusedWithTheNextStep() {
        Map<String, String> env = env("HTTPS_PROXY", proxy.url());
        env.remove(Network.CA_BUNDLE);

        assertThatThrownBy(() -> discovery(env, new Properties()).idp(issuer(HOST)))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageContaining("not trusted").hasMessageContaining(Network.CA_BUNDLE);
    }

    @Test
    void anUnreadableOrEmptyBundleIsAClearConfigurationError() throws Exception {
        Path notPem = Files.writeString(dir.resolve("notes.txt"), "not a certificate");
        assertThatThrownBy(() -> Network.from(Map.of(Network.CA_BUNDLE, dir.resolve("missing.pem").toString()), new Properties()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageContaining("cannot be read").hasMessageContaining("PEM");
        assertThatThrownBy(() -> Network.from(Map.of(Network.CA_BUNDLE, notPem.toString()), new Properties()))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageContaining(Network.CA_BUNDLE);
    }
}
