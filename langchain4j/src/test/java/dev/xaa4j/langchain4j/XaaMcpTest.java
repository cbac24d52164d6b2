package dev.xaa4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.xaa4j.connector.ConnectorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link XaaMcp#client(String)} looks the URL up in the current user's configuration (the test fork's throwaway home). */
@Timeout(30)
class XaaMcpTest {

    @Test
    void aServerNotInTheConfigurationIsAConfigurationErrorSayingHowToAddIt() {
        assertThatThrownBy(() -> XaaMcp.client("no-such-server"))
                .isInstanceOfSatisfying(ConnectorException.class, e -> org.assertj.core.api.Assertions.assertThat(e.kind())
                        .isEqualTo(ConnectorException.Kind.CONFIGURATION))
                .hasMessage("No MCP server named 'no-such-server' is in your xaa configuration: add it with"
                        + " `xaa server add no-such-server URL`");
    }
}
