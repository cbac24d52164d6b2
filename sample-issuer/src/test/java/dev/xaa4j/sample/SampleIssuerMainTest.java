package dev.xaa4j.sample;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The one command: a real child JVM, its stdout contract and its ports. */
@Tag("slow")
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a blocked readLine fails, not hangs
class SampleIssuerMainTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path stateDir;

    @Test
    void printsOneJsonLineOnStdoutWithEveryEndpointAndLogsOnlyToStderr() throws Exception {
        Path stderrFile = stateDir.resolve("stderr.txt");
        List<String> cmd = command("--port-base", "0", "--state-dir", stateDir.toString());
        Process p = new ProcessBuilder(cmd).redirectError(stderrFile.toFile()).start();
        try {
            BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            JsonNode ready = JSON.readTree(stdout.readLine());
            assertThat(ready.get("idp").asText()).startsWith("http://127.0.0.1:");
            assertThat(ready.get("as").asText()).startsWith("http://127.0.0.1:");
            assertThat(ready.get("servers").get("notes").asText()).matches("http://127\\.0\\.0\\.1:\\d+/notes/mcp");
            assertThat(ready.get("servers").get("tickets").asText()).matches("http://127\\.0\\.0\\.1:\\d+/tickets/mcp");
            assertThat(ready.get("audit").asText()).isEqualTo(stateDir.resolve("audit.jsonl").toString());

            Path tokenFile = Path.of(ready.get("adminTokenFile").asText());
            assertThat(Files.getPosixFilePermissions(tokenFile))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            String adminToken = Files.readString(tokenFile).trim();
            assertThat(adminToken).hasSizeGreaterThanOrEqualTo(40);

            HttpResponse<String> jwks = get(ready.get("idp").asText() + "/jwks");
            assertThat(jwks.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(jwks.body()).get("keys").get(0).get("kid").asText()).startsWith("idp-");

            p.getOutputStream().close();
            p.toHandle().destroy(); // SIGTERM without closing our end of the pipes
            StringBuilder rest = new StringBuilder();
            for (String l; (l = stdout.readLine()) != null; ) {
                rest.append(l).append('\n');
            }
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(rest.toString()).as("nothing but the ready line goes to stdout").isBlank();
            String stderr = Files.readString(stderrFile);
            assertThat(stderr).contains("ready in").doesNotContain(adminToken);
            assertThat(stateDir.resolve("audit.jsonl")).as("a --state-dir is the caller's: kept").exists();
            assertThat(tokenFile).exists();
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void theTemporaryStateDirectoryItCreatedItselfIsRemovedOnSigterm() throws Exception {
        Path tmp = Files.createDirectories(stateDir.resolve("tmp"));
        List<String> cmd = command("--port-base", "0");
        cmd.add(1, "-Djava.io.tmpdir=" + tmp);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            JsonNode ready = readReadyLine(p);
            Path own = Path.of(ready.get("adminTokenFile").asText()).getParent();
            assertThat(own.getParent()).isEqualTo(tmp);
            assertThat(own.getFileName().toString()).startsWith("xaa4j-sample-");
            assertThat(get(ready.get("idp").asText() + "/jwks").statusCode()).isEqualTo(200); // writes the audit
            assertThat(own.resolve("admin-token")).exists();

            p.toHandle().destroy(); // SIGTERM
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(own).as("admin-token and audit.jsonl go with the directory").doesNotExist();
            try (java.util.stream.Stream<Path> left = Files.list(tmp)) {
                assertThat(left.map(Path::toString)).noneMatch(n -> n.contains("xaa4j-sample-"));
            }
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void portBaseMovesIdpAsAndMcpToThreeConsecutivePorts() throws Exception {
        int base = freeConsecutivePorts();
        Process p = launch("--port-base", String.valueOf(base), "--state-dir", stateDir.toString());
        try {
            JsonNode ready = readReadyLine(p);
            assertThat(ready.get("idp").asText()).isEqualTo("http://127.0.0.1:" + base);
            assertThat(ready.get("as").asText()).isEqualTo("http://127.0.0.1:" + (base + 1));
            assertThat(ready.get("servers").get("notes").asText()).isEqualTo("http://127.0.0.1:" + (base + 2) + "/notes/mcp");
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void refusesAPortInUseWithAnActionableMessage() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Process p = launch("--port-base", String.valueOf(busy.getLocalPort()), "--state-dir", stateDir.toString());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isNotZero();
            String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(stderr).contains("--port-base 0");
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isBlank();
        }
    }

    @Test
    void rejectsAnInvalidPolicyFileNamingTheProblem() throws Exception {
        Path policy = stateDir.resolve("policy.json");
        Files.writeString(policy, """
                {"users":[{"username":"dave","password":"dave"}],
                 "resources":[{"name":"notes","scopes":["notes.read"]}],
                 "grants":[{"user":"erin","scopes":["notes.read"]}],
                 "idpClients":[], "asClients":[]}
                """);
        Process p = launch("--port-base", "0", "--policy", policy.toString(), "--state-dir", stateDir.toString());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("unknown user 'erin'");
    }

    @Test
    void devAutoApproveIsNamedOnTheCommandLineAndLogsALoudWarningAtStartNeverByDefault() throws Exception {
        Process on = launch("--port-base", "0", "--state-dir", stateDir.toString(), "--dev-auto-approve", "alice",
                "--exit-when-ready");
        assertThat(on.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(on.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("WARN", "DEV-ONLY AUTO-APPROVE MODE", "approved as 'alice' without a login form or password");
        assertThat(on.exitValue()).isZero();

        Process off = launch("--port-base", "0", "--state-dir", stateDir.toString(), "--exit-when-ready");
        assertThat(off.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(off.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("self-check passed")
                .doesNotContain("AUTO-APPROVE");
    }

    @Test
    void externalAsServersAndThePlainOAuthSideAreInTheReadyLine() throws Exception {
        Process p = launch("--port-base", "0", "--state-dir", stateDir.toString(), "--exit-when-ready",
                "--external-as", "kc=http://127.0.0.1:1/realms/mcp", "--external-audience", "kc=xaa4j-mcp",
                "--external-audience-claim", "kc=aud,azp");
        JsonNode ready = readReadyLine(p);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(ready.get("oauth").asText()).isEqualTo(ready.get("as").asText() + "/oauth");
        assertThat(ready.get("oauthServers").get("wiki").asText()).matches("http://127\\.0\\.0\\.1:\\d+/wiki/mcp");
        assertThat(ready.get("oauthServers").get("kc").asText()).matches("http://127\\.0\\.0\\.1:\\d+/kc/mcp");
        assertThat(ready.get("flows").toString()).isEqualTo(
                "{\"notes\":\"ema\",\"tickets\":\"ema\",\"wiki\":\"oauth\",\"kc\":\"external\"}");
        assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("plain OAuth AS", "kc=external", "self-check passed");
        assertThat(p.exitValue()).isZero();
        assertThat(Files.readString(stateDir.resolve("audit.jsonl"))).as("no --dpop: no DPoP switch entry")
                .doesNotContain("\"event\":\"dpop\"");

        assertThat(refusedStart("--external-audience", "nope=x")).contains("[nope]", "--external-as NAME=ISSUER");
    }

    @Test
    void dpopSwitchesGivenAtStartAreInTheReadyLineAndAnUnknownOneIsRefused() throws Exception {
        Process p = launch("--port-base", "0", "--state-dir", stateDir.toString(), "--exit-when-ready",
                "--dpop", "asNonce,rsNonce");
        JsonNode ready = readReadyLine(p);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(ready.get("dpop").get("algs").toString()).isEqualTo("[\"ES256\"]");
        assertThat(ready.get("dpop").get("switches").toString()).isEqualTo(
                "{\"idpNonce\":false,\"asNonce\":true,\"rsNonce\":true,\"requireDpop\":false}");
        assertThat(ready.get("dpop").get("admin").asText()).isEqualTo(ready.get("idp").asText() + "/admin/dpop");
        assertThat(p.exitValue()).isZero();
        assertThat(Files.readString(stateDir.resolve("audit.jsonl"))).contains("\"event\":\"dpop\"");

        assertThat(refusedStart("--dpop", "nonces")).contains("--dpop", "'nonces'", "asNonce", "requireDpop");
    }

    /** Starts with {@code args} on free ports, expects a non-zero exit; its stderr. */
    private String refusedStart(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--port-base", "0", "--state-dir", stateDir.toString(),
                "--exit-when-ready"));
        all.addAll(List.of(args));
        Process bad = launch(all.toArray(String[]::new));
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isNotZero();
        return new String(bad.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void clientJwksRegistersAPublicKeyAtStartAndTheReadyLineNamesTheWorkloadIssuer() throws Exception {
        com.nimbusds.jose.jwk.ECKey key = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_256).keyID("install-1").generate();
        Path jwks = stateDir.resolve("xaa-agent-ci.jwks.json");
        Files.writeString(jwks, new com.nimbusds.jose.jwk.JWKSet(key.toPublicJWK()).toString());
        Process p = launch("--port-base", "0", "--state-dir", stateDir.toString(), "--exit-when-ready",
                "--client-jwks", "xaa-agent-ci=" + jwks);
        JsonNode ready = readReadyLine(p);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(ready.get("workloadIssuer").asText()).isEqualTo(ready.get("idp").asText() + "/workload");
        assertThat(Files.readString(stateDir.resolve("audit.jsonl"))).contains("\"event\":\"client-keys\"",
                "install-1");

        Path privateKey = stateDir.resolve("private.jwk.json");
        Files.writeString(privateKey, key.toJSONString());
        for (String[] bad : List.of(new String[] {"nobody=" + jwks, "no such client"},
                new String[] {"xaa-agent-ci=" + privateKey, "private key"})) {
            Process refused = launch("--port-base", "0", "--state-dir", stateDir.toString(), "--exit-when-ready",
                    "--client-jwks", bad[0]);
            assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(refused.exitValue()).isNotZero();
            assertThat(new String(refused.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains(bad[1])
                    .doesNotContain(key.getD().toString());
        }
    }

    private static Process launch(String... args) throws IOException {
        return new ProcessBuilder(command(args)).start();
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Duser.home=" + System.getProperty("user.home"), "-cp", System.getProperty("java.class.path"),
                SampleIssuerMain.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static JsonNode readReadyLine(Process p) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("ready line").isNotNull();
        return JSON.readTree(line);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A port N such that N, N+1 and N+2 are free right now. */
    private static int freeConsecutivePorts() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base;
            try (ServerSocket s = new ServerSocket(0)) {
                base = s.getLocalPort();
            }
            if (base > 65530) {
                continue;
            }
            try (ServerSocket a = new ServerSocket(base); ServerSocket b = new ServerSocket(base + 1);
                 ServerSocket c = new ServerSocket(base + 2)) {
                return base;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no three consecutive free ports found");
    }
}
