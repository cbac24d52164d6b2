package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.connector.testing.StubProxy;
import dev.xaa4j.connector.testing.TestCertificates;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xaa bridge} as a real process behind a company proxy: the MCP server is named
 * {@code notes.internal.test}, which does not resolve, so only the stub proxy can reach it. The bridge takes
 * {@code HTTP_PROXY} (absolute-form requests), {@code HTTPS_PROXY} (CONNECT, with the server's self-signed
 * certificate trusted only through {@code XAA_CA_BUNDLE}) and {@code NO_PROXY} from its environment.
 */
@Tag("slow")
@Timeout(120)
class ProxyUpstreamTest {

    private static final String HOST = "notes.internal.test";

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static TestMcpServer plain;
    static TestMcpServer tls;
    @AutoClose // after each test
    private StubProxy proxy;

    @BeforeAll
    static void startServers() throws Exception {
        certs = TestCertificates.create(dir, HOST);
        plain = TestMcpServer.start();
        tls = TestMcpServer.startTls(certs.keyStore(), TestCertificates.PASSWORD);
    }

    @AfterAll
    static void stopServers() throws Exception {
        plain.close();
        tls.close();
    }

    @BeforeEach
    void startProxy() throws Exception {
        proxy = StubProxy.start().reach(HOST);
    }

    private static URI behindProxy(TestMcpServer server) {
        URI e = server.endpoint();
        return URI.create(e.getScheme() + "://" + HOST + ":" + e.getPort() + e.getPath());
    }

    /** initialize, initialized, one echo call; returns the two answers. */
    private static List<JsonNode> bridge(URI endpoint, Map<String, String> env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "bridge", endpoint.toString(), "--no-auth", "--no-initialize-cache", "--initialize-budget-ms", "5000"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        for (String v : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
                "XAA_CA_BUNDLE", "JAVA_TOOL_OPTIONS")) {
            pb.environment().remove(v);
        }
        pb.environment().put("XAA_CONFIG", dir.resolve("config.json").toString());
        pb.environment().put("HOME", dir.toString());
        pb.environment().putAll(env);
        return BridgeHarness.echoThroughProcess(pb, "via proxy", Duration.ofSeconds(30));
    }

    @Test
    void bridgesThroughHttpProxyToAServerOnlyTheProxyCanReach() throws Exception {
        List<JsonNode> lines = bridge(behindProxy(plain), Map.of("HTTP_PROXY", proxy.url()));

        assertThat(lines.get(0).path("result").path("serverInfo").path("name").asText()).isEqualTo("test-notes");
        assertThat(StdioBridgeTest.text(lines.get(1))).isEqualTo("echo: via proxy");
        assertThat(proxy.requests()).isNotEmpty().allSatisfy(r -> assertThat(r).contains("http://" + HOST + ":"));
    }

    @Test
    void bridgesOverHttpsThroughConnectTrustingTheCaBundle() throws Exception {
        List<JsonNode> lines = bridge(behindProxy(tls), Map.of("https_proxy", proxy.url(),
                "XAA_CA_BUNDLE", certs.pem().toString()));

        assertThat(StdioBridgeTest.text(lines.get(1))).isEqualTo("echo: via proxy");
        assertThat(proxy.requests()).isNotEmpty().allSatisfy(r -> assertThat(r).startsWith("CONNECT " + HOST + ":"));
    }

    @Test
    void noProxyHostsGoDirect() throws Exception {
        List<JsonNode> lines = bridge(behindProxy(plain), Map.of("HTTP_PROXY", proxy.url(), "NO_PROXY", ".internal.test"));

        assertThat(lines.get(1).path("error").path("data").path("reason").asText()).isEqualTo("upstream_unavailable");
        assertThat(proxy.requests()).isEmpty();
    }
}
