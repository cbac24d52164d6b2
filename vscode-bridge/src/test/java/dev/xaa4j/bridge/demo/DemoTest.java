package dev.xaa4j.bridge.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xaa4j.connector.testing.Processes;
import dev.xaa4j.connector.testing.RealHomeGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue acceptance 6: the README's demo, headless, end to end. Runs {@link DemoMain} in a child JVM (the
 * sample issuer, {@code xaa} commands and bridges are its own children) with the real OS keyring, so only
 * inside {@code .ci/with-keyring} (a throwaway keyring, marked by {@code XAA_REAL_HOME}), as CI runs it.
 */
@Timeout(420)
class DemoTest {

    @TempDir
    Path dir;

    @Test
    void theDemoSignsInCallsToolsThroughTheBridgeShowsBobsRefusalAndTheAuditLog() throws Exception {
        assumeTrue(System.getenv("XAA_REAL_HOME") != null, "needs the throwaway keyring of .ci/with-keyring");
        // a home of its own, and none of the XDG/XAA directory variables: whatever per-user file the demo or its
        // children wrote outside the demo's temporary directory would land in this home
        Path home = Files.createDirectories(dir.resolve("home"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"), DemoMain.class.getName())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        for (String name : List.of("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XAA_CACHE_DIR", "XAA_RUNTIME_DIR", "XAA_CONFIG")) {
            pb.environment().remove(name);
        }
        pb.environment().put("HOME", home.toString());
        Process p = Processes.start(pb);
        String stdout;
        String stderr;
        try {
            CompletableFuture<String> out = Processes.drain(p.getInputStream(), "demo-stdout");
            CompletableFuture<String> err = Processes.drain(p.getErrorStream(), "demo-stderr");
            p.getOutputStream().close();
            Processes.awaitExit(p, Duration.ofSeconds(300), "the demo", () -> Processes.partial(out) + Processes.partial(err));
            stdout = out.get(10, TimeUnit.SECONDS);
            stderr = err.get(10, TimeUnit.SECONDS);
        } finally {
            Processes.destroyTree(p);
        }

        assertThat(p.exitValue()).as(stdout + stderr).isZero();
        assertThat(stdout).contains("signed in as Alice Anders", "signed in as Bob Berg");
        assertThat(stderr).contains("DEMO AID: filling the sample issuer's login form as alice");
        // alice: whoami, her note, her ticket
        assertThat(stdout).containsPattern("whoami +ok +\\{.*\"sub\":\"alice\"")
                .containsPattern("add_note +ok +.*alice's note, written through xaa bridge")
                .containsPattern("list_notes +ok +.*alice's note, written through xaa bridge")
                .containsPattern("create_ticket +ok +.*VPN drops every hour");
        // bob: reads notes, his write is refused with the bridge's error, tickets are not for him
        assertThat(stdout).containsPattern("whoami +ok +\\{.*\"sub\":\"bob\"")
                .containsPattern("add_note +REFUSED +JSON-RPC error -32011 access_denied: .*notes\\.write")
                .containsPattern("list_notes +ok +\\{\"notes\":\\[\\]\\}")
                .containsPattern("list_tickets +REFUSED +JSON-RPC error -32011 .*'tickets'");
        // the issuer's audit lines, each decision
        assertThat(stdout).containsPattern("token-exchange +alice +allow +notes")
                .containsPattern("jwt-bearer +bob +allow +notes")
                .containsPattern("token-exchange +bob +deny +tickets");
        assertThat(stdout + stderr).as("no token bytes").doesNotContain("eyJ");

        Matcher config = Pattern.compile("XAA_CONFIG=(\\S+)/config\\.json").matcher(stdout);
        assertThat(config.find()).isTrue();
        assertThat(Path.of(config.group(1))).as("the temporary directory is removed").doesNotExist();
        assertThat(p.descendants().filter(ProcessHandle::isAlive)).as("no child process left").isEmpty();
        assertThat(RealHomeGuard.snapshot(List.of(home.resolve(".config/xaa4j"), home.resolve(".cache/xaa4j"),
                home.resolve(".local/state/xaa4j")))).as("the demo leaves the user's xaa4j directories alone").isEmpty();
    }
}
