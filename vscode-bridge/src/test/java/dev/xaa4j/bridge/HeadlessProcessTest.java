package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.WikiSignInProcessTest.response;
import static dev.xaa4j.bridge.WikiSignInProcessTest.send;
import static dev.xaa4j.bridge.XaaProcess.ok;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.testing.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12 point 4 end to end, in real {@code xaa} processes against the sample issuer over real HTTP, with no IdP
 * and no sign-in: a client credentials server ({@code xaa server add --auth client-credentials --client-id}, its
 * secret in the keyring) and a workload server ({@code --auth workload --workload-token file:PATH}) get tokens from
 * {@code xaa token} and serve MCP through {@code xaa bridge}; {@code xaa bridge SERVER --workload file:PATH} and
 * {@code xaa token SERVER --workload …} run a configured server as a workload for one run without writing it to the
 * config; {@code xaa doctor} explains both. No browser is opened, and no secret or workload JWT reaches any output or
 * the config file.
 */
@Tag("slow")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class HeadlessProcessTest extends KeyringIssuer {

    private static final String CI_CLIENT = "xaa-agent-ci";
    private static final String CI_SECRET = "xaa-agent-ci-demo-secret";
    private static final String OPENED = "browser-opened";

    @Test
    void clientCredentialsServerGetsTokensAndServesMcpWithoutAnIdpOrBrowser() throws Exception {
        Path home = dir.resolve("cc");
        XaaProcess xaa = XaaProcess.in(home);
        Map<String, String> browser = browserTrap(home);
        CommandRun noClient = xaa.run("server", "add", "notes", issuer.server("notes").toString(), "--auth", "client-credentials");
        assertThat(noClient.exit()).isEqualTo(2);
        assertThat(noClient.out()).contains("--client-id");
        CommandRun added = xaa.run("server", "add", "notes", issuer.server("notes").toString(), "--auth", "client-credentials",
                "--client-id", CI_CLIENT);
        ok(added);
        assertThat(added.out()).contains("xaa secret set as-client-secret notes");
        ok(KeyringWrites.retry(() -> xaa.run(CI_SECRET + "\n", Map.of(), "secret", "set", "as-client-secret", "notes")));

        CommandRun token = xaa.run("", browser, "token", "notes");
        ok(token);
        assertThat(token.out()).startsWith("Authorization: DPoP "); // the sample AS binds headless tokens (DPoP)
        CommandRun doctor = xaa.run("", browser, "doctor", "notes");
        assertThat(doctor.out()).contains("client credentials grant", "as client " + CI_CLIENT,
                "client credentials (no person) grant at the AS succeeded");
        List<String> bridged = toolsThroughBridge(xaa, home, browser, "notes");

        assertThat(Files.exists(home.resolve(OPENED))).as("no browser").isFalse();
        for (String output : List.of(added.out(), doctor.out(), String.join("\n", bridged), Files.readString(xaa.config()))) {
            assertThat(output).doesNotContain(CI_SECRET).doesNotContain("eyJ");
        }
    }

    @Test
    void workloadServerAndAPerRunWorkloadGetTokensFromAFreshJwtWithoutTouchingTheConfig() throws Exception {
        Path home = dir.resolve("wl");
        XaaProcess xaa = XaaProcess.in(home);
        Map<String, String> browser = browserTrap(home);
        Path jwtFile = home.resolve("workload-token");
        List<String> jwts = new ArrayList<>(); // the sample AS takes each workload JWT once (jti): one per token request
        String notes = issuer.server("notes").toString();
        CommandRun bad = xaa.run("server", "add", "ci", notes, "--auth", "workload", "--workload-token", "env:TOKEN");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.out()).contains("file:PATH or command:COMMAND");
        ok(xaa.run("server", "add", "ci", notes, "--auth", "workload", "--workload-token", "file:" + jwtFile));
        ok(xaa.run("server", "add", "notes", notes)); // auto: would need an IdP

        freshJwt(jwtFile, jwts);
        CommandRun token = xaa.run("", browser, "token", "ci", "--format", "json");
        ok(token);
        assertThat(token.out()).contains("\"token_type\" : \"DPoP\"", "\"Authorization\" : \"DPoP ");
        CommandRun reused = xaa.run("", browser, "token", "ci");
        assertThat(reused.exit()).as("the file is read again: the used JWT is presented, and refused").isNotZero();
        assertThat(reused.out()).contains("refused the workload token", "workload's administrator");
        freshJwt(jwtFile, jwts);
        CommandRun perRun = xaa.run("", browser, "token", "notes", "--workload", "command:cat " + jwtFile);
        ok(perRun);
        assertThat(perRun.out()).startsWith("Authorization: DPoP ");
        CommandRun login = xaa.run("", browser, "login", "ci");
        ok(login);
        assertThat(login.out()).contains("'ci' needs no sign-in", "workload identity");
        CommandRun env = xaa.run("", Map.of("XAA_AUTH_NOTES", "client-credentials"), "server", "list");
        assertThat(env.out()).contains("notes\t" + notes + "\tauth=client-credentials");
        CommandRun doctor = xaa.run("", browser, "doctor", "ci");
        assertThat(doctor.out()).contains("workload jwt-bearer grant", "read from the file " + jwtFile);
        freshJwt(jwtFile, jwts);
        List<String> bridged = toolsThroughBridge(xaa, home, browser, "ci");
        freshJwt(jwtFile, jwts);
        List<String> perRunBridge = toolsThroughBridge(xaa, home, browser, "notes", "--workload", "file:" + jwtFile);

        String config = Files.readString(xaa.config());
        assertThat(config).contains("\"workloadToken\" : \"file:" + jwtFile + "\"");
        assertThat(config.split("workloadToken", -1)).as("the per-run --workload is not written").hasSize(2);
        assertThat(Files.exists(home.resolve(OPENED))).as("no browser").isFalse();
        for (String output : List.of(token.out(), reused.out(), perRun.out(), login.out(), doctor.out(), String.join("\n", bridged),
                String.join("\n", perRunBridge), config)) {
            for (String jwt : jwts) {
                assertThat(output).doesNotContain(jwt.substring(jwt.lastIndexOf('.') + 1));
            }
        }
    }

    /** A new workload JWT for the sample AS in {@code file}, as a platform rotates it. */
    private static void freshJwt(Path file, List<String> minted) throws IOException {
        String jwt = issuer.workloadIssuer().mint("ci-job-1", issuer.asIssuer().toString(), Duration.ofMinutes(10));
        minted.add(jwt);
        Files.writeString(file, jwt + "\n");
    }

    /** initialize, initialized, tools/list through {@code xaa bridge SERVER ARGS}; every stdout and stderr line. */
    private static List<String> toolsThroughBridge(XaaProcess xaa, Path home, Map<String, String> env, String server,
                                                   String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bridge", server, "--no-initialize-cache"));
        command.addAll(List.of(args));
        Path err = home.resolve("bridge-" + server + "-" + args.length + ".err");
        ProcessBuilder pb = new ProcessBuilder(xaa.command(command.toArray(String[]::new))).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(xaa.env());
        pb.environment().putAll(env);
        Process bridge = Processes.start(pb);
        try {
            List<String> lines = NoIdpWikiProcessTest.stdout(bridge);
            OutputStream in = bridge.getOutputStream();
            send(in, BridgeHarness.initialize(1));
            response(lines, 1);
            send(in, BridgeHarness.initialized());
            send(in, BridgeHarness.request(2, "tools/list"));
            JsonNode listed = response(lines, 2);
            assertThat(listed.path("result").path("tools").toString()).as(listed.toString()).contains("list_notes");
            in.close();
            assertThat(bridge.waitFor(20, TimeUnit.SECONDS)).isTrue();
            List<String> all = new ArrayList<>(lines);
            all.addAll(Files.readAllLines(err));
            return all;
        } finally {
            Processes.stop(bridge);
        }
    }

    /** {@code BROWSER} = a script that only creates {@code dir/}{@link #OPENED}. */
    private static Map<String, String> browserTrap(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path script = dir.resolve("browser-trap.sh");
        Files.writeString(script, "#!/bin/sh\ntouch '" + dir.resolve(OPENED) + "'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return Map.of("BROWSER", script.toString());
    }
}
