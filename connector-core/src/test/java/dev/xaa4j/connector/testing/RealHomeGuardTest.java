package dev.xaa4j.connector.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
    void theRealHomeIsTheBuildersNotTheForksThrowawayHome() {
        // surefire moves HOME and user.home to target/test-home; the guard watches the home the build came from
        assertThat(RealHomeGuard.realHome().toString()).doesNotEndWith("test-home");
        assertThat(System.getProperty("user.home")).endsWith("test-home");
        assertThat(RealHomeGuard.watched()).contains(RealHomeGuard.realHome().resolve(".local/state/xaa4j"));
    }
}
