package dev.xaa4j.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.xaa4j.connector.testing.StubProxy;
import dev.xaa4j.connector.testing.TestCertificates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xaa doctor} takes the same proxy and trust as every other client: an IdP named
 * {@code idp.internal.test} (which does not resolve) is checked through {@code HTTPS_PROXY}, its certificate
 * trusted through {@code XAA_CA_BUNDLE}; a bad proxy variable is a FAIL line with the next step.
 */
@Tag("slow")
@Timeout(120)
class DoctorProxyTest {

    private static final String HOST = "idp.internal.test";

    @TempDir
    Path home;
    private HttpsServer idp;
    @AutoClose // after each test
    private StubProxy proxy;
    private TestCertificates certs;

    @BeforeEach
    void start() throws Exception {
        certs = TestCertificates.create(home, HOST);
        idp = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        idp.setHttpsConfigurator(new HttpsConfigurator(certs.serverContext()));
        idp.createContext("/", ex -> {
            String issuer = "https://" + ex.getRequestHeaders().getFirst("Host") + "/idp";
            byte[] body = ("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                    + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/jwks\","
                    + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
                    + "\"id_token_signing_alg_values_supported\":[\"RS256\"],\"code_challenge_methods_supported\":[\"S256\"]}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        idp.start();
        proxy = StubProxy.start().reach(HOST);
    }

    @AfterEach
    void stop() throws Exception {
        idp.stop(0);
    }

    private CommandRun doctor(Map<String, String> extraEnv) throws Exception {
        String issuer = "https://" + HOST + ":" + idp.getAddress().getPort() + "/idp";
        Path config = home.resolve("config.json");
        Files.writeString(config, "{\"idp\":{\"issuer\":\"" + issuer + "\",\"clientId\":\"c\",\"authMethod\":\"none\"},\"servers\":{\"notes\":{\"url\":\"https://notes.internal.test:9/mcp\"}}}");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "doctor"));
        Map<String, String> env = new HashMap<>(Map.of("XAA_CONFIG", config.toString(), "HOME", home.toString(),
                "XDG_CONFIG_HOME", home.resolve(".config").toString(), "XDG_STATE_HOME", home.resolve("state").toString(),
                "XAA_CACHE_DIR", home.resolve("cache").toString(), "NO_PROXY", "", "no_proxy", ""));
        env.putAll(extraEnv);
        return CommandRun.run(cmd, "", env);
    }

    @Test
    void checksTheIdpThroughHttpsProxyTrustingTheCaBundle() throws Exception {
        CommandRun r = doctor(Map.of("HTTPS_PROXY", proxy.url(), "XAA_CA_BUNDLE", certs.pem().toString()));

        assertThat(r.out()).contains("ok    network: https via 127.0.0.1:" + proxy.port() + " (HTTPS_PROXY)")
                .contains("XAA_CA_BUNDLE " + certs.pem())
                .contains("ok    IdP https://" + HOST);
        assertThat(proxy.requests()).anySatisfy(line -> assertThat(line).startsWith("CONNECT " + HOST + ":"))
                .as("the MCP server check goes through the proxy too").allSatisfy(line -> assertThat(line).startsWith("CONNECT "));
    }

    /** Problem 5 of the set-up review: after the precise TLS advice, no "→" hint pointing elsewhere. */
    @Test
    void anUntrustedCertificateSaysSetTheCaBundleAndNoContradictingHint() throws Exception {
        CommandRun r = doctor(Map.of("HTTPS_PROXY", proxy.url()));

        assertThat(r.exit()).as(r.out()).isNotZero();
        assertThat(r.out()).contains("FAIL  IdP https://" + HOST).contains("set XAA_CA_BUNDLE")
                .doesNotContain("check the issuer URL and your network");
    }

    @Test
    void aProxyVariableItCannotUseIsAFailLineWithTheNextStep() throws Exception {
        CommandRun r = doctor(Map.of("HTTPS_PROXY", "https://proxy.corp:443"));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  HTTPS_PROXY uses 'https://'").contains("fix or unset the variable");
    }

    @Test
    void theLowerCaseVariableItUsesIsTheOneNamed() throws Exception {
        CommandRun r = doctor(Map.of("https_proxy", proxy.url(), "HTTPS_PROXY", "", "XAA_CA_BUNDLE", certs.pem().toString()));

        assertThat(r.out()).contains("ok    network: https via 127.0.0.1:" + proxy.port() + " (https_proxy)")
                .doesNotContain("(HTTPS_PROXY)").contains("ok    IdP https://" + HOST);
    }

    @Test
    void aProxyUrlWithCredentialsIsAFailLineThatDoesNotShowThem() throws Exception {
        CommandRun r = doctor(Map.of("HTTPS_PROXY", "http://alice:pa55word@127.0.0.1:" + proxy.port()));

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  HTTPS_PROXY carries a user name and password, but proxy authentication is not supported")
                .contains("HTTPS_PROXY=http://127.0.0.1:" + proxy.port()).contains("fix or unset the variable")
                .doesNotContain("ok    network").doesNotContain("pa55word").doesNotContain("alice");
        assertThat(proxy.requests()).as("nothing is sent through a proxy that would answer 407").isEmpty();
    }

    @Test
    void allProxyIsHonouredAndASocksOneIsAFailLineNamingIt() throws Exception {
        Map<String, String> noOtherProxy = Map.of("https_proxy", "", "HTTPS_PROXY", "", "http_proxy", "", "HTTP_PROXY", "");
        Map<String, String> env = new HashMap<>(noOtherProxy);
        env.putAll(Map.of("ALL_PROXY", proxy.url(), "XAA_CA_BUNDLE", certs.pem().toString()));
        CommandRun r = doctor(env);

        assertThat(r.out()).contains("ok    network: https via 127.0.0.1:" + proxy.port() + " (ALL_PROXY)")
                .contains("ok    IdP https://" + HOST);
        assertThat(proxy.requests()).anySatisfy(line -> assertThat(line).startsWith("CONNECT " + HOST + ":"));

        env.put("ALL_PROXY", "socks5://127.0.0.1:1080");
        CommandRun socks = doctor(env);
        assertThat(socks.exit()).isEqualTo(1);
        assertThat(socks.out()).contains("FAIL  ALL_PROXY uses 'socks5://'").contains("fix or unset the variable");
    }
}
