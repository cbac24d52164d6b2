package dev.xaa4j.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.AuthMode;
import dev.xaa4j.connector.host.config.ServerEntry;
import dev.xaa4j.connector.host.config.XaaConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class HeadlessOptionsTest {

    private static final XaaConfig CONFIG = new XaaConfig(null,
            Map.of("notes", new ServerEntry("http://127.0.0.1:9402/notes/mcp", null, List.of(), null)));

    @Test
    void aWorkloadForANameThatIsNotConfiguredSaysSoInsteadOfNotAUrl() {
        // `xaa token notes2 --workload file:…` (a typo) said "'notes2' is not an absolute http(s) URL of an MCP server."
        assertThatThrownBy(() -> HeadlessOptions.workload(CONFIG, "notes2", "file:/tmp/wl.jwt"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("xaa has no MCP server named 'notes2'; run `xaa server add notes2 URL` (known: notes), or give the "
                        + "server's http(s) URL");
    }

    @Test
    void aWorkloadForAConfiguredNameOrAUrlRunsThatServerAsAWorkload() {
        assertThat(HeadlessOptions.workload(CONFIG, "notes", "file:/tmp/wl.jwt").server("notes").orElseThrow().authMode())
                .isEqualTo(AuthMode.WORKLOAD);
        String url = "http://127.0.0.1:9402/tickets/mcp";
        assertThat(HeadlessOptions.workload(CONFIG, url, "file:/tmp/wl.jwt").server(url).orElseThrow().workloadToken())
                .isEqualTo("file:/tmp/wl.jwt");
    }
}
