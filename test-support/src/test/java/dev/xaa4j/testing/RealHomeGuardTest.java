package dev.xaa4j.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class RealHomeGuardTest {

    @TempDir
    Path home;

    @Test
    void aLineAppendedToTheActivityJournalAFileAddedAndADirectoryCreatedAreEachReported() throws Exception {
        Path state = home.resolve(".local/state/xaa4j");
        Files.createDirectories(state);
        Path journal = Files.writeString(state.resolve("activity.jsonl"), "{\"event\":\"signed_in\"}\n");
        List<Path> roots = List.of(state, home.resolve(".cache/xaa4j"));
        Map<Path, String> before = RealHomeGuard.snapshot(roots);
        assertThat(RealHomeGuard.changes(before, RealHomeGuard.snapshot(roots))).as("nothing written, nothing reported").isEmpty();

        Files.writeString(journal, "{\"event\":\"renewal_failed\",\"server\":\"cds\"}\n", StandardOpenOption.APPEND);
        Files.createDirectories(home.resolve(".cache/xaa4j/initialize"));

        assertThat(RealHomeGuard.changes(before, RealHomeGuard.snapshot(roots)))
                .anySatisfy(c -> assertThat(c).startsWith("changed " + journal))
                .anySatisfy(c -> assertThat(c).startsWith("added " + home.resolve(".cache/xaa4j")))
                .anySatisfy(c -> assertThat(c).startsWith("added " + home.resolve(".cache/xaa4j/initialize")));
    }

    @Test
    void theCiGuardFailsACommandThatWritesUnderTheHomeAndPassesOneThatDoesNot() throws Exception {
        Path guard = Path.of("..", ".ci", "home-guard").toAbsolutePath().normalize();
        Processes.Result clean = Processes.run(guardedBy(guard, "true"), "", Duration.ofSeconds(30));
        assertThat(clean.exit()).as(clean.output()).isZero();

        Processes.Result leak = Processes.run(guardedBy(guard, "mkdir -p \"$HOME/.local/state/xaa4j\" && echo x >> \"$HOME/.local/state/xaa4j/activity.jsonl\""),
                "", Duration.ofSeconds(30));
        assertThat(leak.exit()).as(leak.output()).isEqualTo(1);
        assertThat(leak.err()).contains("wrote under the real home (" + home + ")")
                .contains(home.resolve(".local/state/xaa4j/activity.jsonl").toString());

        Processes.Result failing = Processes.run(guardedBy(guard, "exit 7"), "", Duration.ofSeconds(30));
        assertThat(failing.exit()).as("the command's own failure is kept").isEqualTo(7);
    }

    private ProcessBuilder guardedBy(Path guard, String script) {
        ProcessBuilder pb = new ProcessBuilder(guard.toString(), "bash", "-c", script);
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("XAA_REAL_HOME");
        pb.environment().remove("XDG_RUNTIME_DIR");
        return pb;
    }

    @Test
    void theRealHomeIsTheBuildersNotTheForksThrowawayHome() {
        // surefire moves HOME and user.home to target/test-home; the guard watches the home the build came from
        assertThat(RealHomeGuard.realHome().toString()).doesNotEndWith("test-home");
        assertThat(System.getProperty("user.home")).endsWith("test-home");
        assertThat(RealHomeGuard.watched()).contains(RealHomeGuard.realHome().resolve(".local/state/xaa4j"));
    }
}
