package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.testing.Processes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xaa bridge} to an HTTPS MCP server, as a real process: the certificate is checked against the Java
 * trust store (here one holding the test server's self-signed certificate, as it would hold a company CA), and an
 * untrusted certificate is a clear error for the tool call, not a crash.
 */
@Tag("slow")
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocked readLine fails, not hangs
class TlsUpstreamTest {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;
    static TestMcpServer server;
    static Path trustStore;

    @BeforeAll
    static void start() throws Exception {
        Path keyStore = dir.resolve("server.p12");
        trustStore = dir.resolve("trust.p12");
        Path cert = dir.resolve("server.crt");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", keyStore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-exportcert", "-alias", "server", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                "-rfc", "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "server", "-file", cert.toString(), "-keystore", trustStore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        server = TestMcpServer.startTls(keyStore, PASSWORD);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Processes.Result r = Processes.run(new ProcessBuilder(cmd).redirectErrorStream(true), "", Duration.ofSeconds(60));
        assertThat(r.exit()).as(r.out()).isZero();
    }

    /** initialize, initialized, one echo call; returns the three stdout lines. */
    private static List<JsonNode> bridge(boolean trusting) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (trusting) {
            cmd.addAll(List.of("-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=" + PASSWORD,
                    "-Djavax.net.ssl.trustStoreType=PKCS12"));
        }
        cmd.addAll(List.of("-Duser.home=" + System.getProperty("user.home"), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "bridge", server.endpoint().toString(), "--no-auth", "--no-initialize-cache",
                "--initialize-budget-ms", "5000"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("XAA_CONFIG", dir.resolve("config.json").toString());
        return BridgeHarness.echoThroughProcess(pb, "over tls", Duration.ofSeconds(20));
    }

    @Test
    void bridgesToAnHttpsServerWhoseCertificateTheTrustStoreHolds() throws Exception {
        List<JsonNode> lines = bridge(true);
        assertThat(lines.get(0).path("result").path("serverInfo").path("name").asText()).isEqualTo("test-notes");
        assertThat(StdioBridgeTest.text(lines.get(1))).isEqualTo("echo: over tls");
    }

    @Test
    void anUntrustedCertificateIsAClearErrorWithTheNextStep() throws Exception {
        List<JsonNode> lines = bridge(false);
        JsonNode error = lines.get(1).path("error");
        assertThat(error.path("data").path("reason").asText()).isEqualTo("upstream_unavailable");
        assertThat(error.path("message").asText()).contains("certificate").contains("XAA_CA_BUNDLE").contains("trust store");
    }
}
