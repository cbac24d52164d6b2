package dev.xaa4j.connector.internal.headless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.ConnectorException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@code command:} workload token sources: the printed token, and a command printing far too much. */
@Timeout(20)
@DisabledOnOs(OS.WINDOWS)
class WorkloadJwtSourceTest {

    @Test
    void aCommandsTrimmedOutputIsTheToken() {
        assertThat(WorkloadJwtSource.of("wl", "command:echo a.b.c").get()).isEqualTo("a.b.c");
    }

    @Test
    void aCommandPrintingMoreThanTheLimitIsStoppedAtOnceAndSaidToPrintTooMuch() {
        // `yes` never ends: before, the reader stopped at the limit, `yes` blocked on the full pipe until the timeout
        Instant start = Instant.now();
        assertThatThrownBy(() -> WorkloadJwtSource.of("wl", "command:yes xaa4j-output").get())
                .isInstanceOfSatisfying(ConnectorException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION);
                    assertThat(e.getMessage()).contains("`yes`", "printed more than 65536 bytes")
                            .doesNotContain("xaa4j-output").doesNotContain("did not finish");
                });
        assertThat(Duration.between(start, Instant.now())).isLessThan(WorkloadJwtSource.COMMAND_TIMEOUT);
        ProcessHandle.current().children().filter(c -> c.info().command().orElse("").endsWith("yes"))
                .forEach(c -> assertThat(c.onExit()).succeedsWithin(Duration.ofSeconds(5))); // killed, not left running
    }
}
