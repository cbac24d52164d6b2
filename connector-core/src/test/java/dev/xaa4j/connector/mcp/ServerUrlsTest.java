package dev.xaa4j.connector.mcp;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.ConnectorException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A token goes only to the URL of the server it is for: same origin and path, normalised. */
@Timeout(10)
class ServerUrlsTest {

    private static final URI NOTES = URI.create("https://notes.example/mcp");

    @Test
    void spellingsOfTheSameUrlAreTheSame() {
        for (String same : new String[] {"https://notes.example/mcp", "HTTPS://Notes.Example:443/mcp/",
                "https://notes.example/x/../mcp", "https://notes.example/mcp?session=1"}) {
            assertThatCode(() -> McpTransports.requireServerUrl("notes", NOTES, URI.create(same))).as(same).doesNotThrowAnyException();
        }
    }

    @Test
    void anotherHostPortSchemeOrPathIsRefusedNamingBothUrlsAndTheFix() {
        for (String other : new String[] {"https://notes.example.evil/mcp", "https://notes.example:8443/mcp",
                "http://notes.example/mcp", "https://notes.example/other", "https://staging.notes.example/mcp"}) {
            assertThatThrownBy(() -> McpTransports.requireServerUrl("notes", NOTES, URI.create(other))).as(other)
                    .isInstanceOfSatisfying(ConnectorException.class, e -> {
                        org.assertj.core.api.Assertions.assertThat(e.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION);
                        org.assertj.core.api.Assertions.assertThat(e.server()).contains("notes");
                    })
                    .hasMessageContaining(other).hasMessageContaining("https://notes.example/mcp")
                    .hasMessageContaining("Point the connection at https://notes.example/mcp");
        }
    }
}
