package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** {@link ConnectorException#in}: the connector's error found in the cause chain of an SDK's exception. */
class ConnectorExceptionTest {

    @Test
    void findsTheConnectorErrorInsideAnotherException() {
        ConnectorException cause = new ConnectorException(ConnectorException.Kind.SIGN_IN_REQUIRED, "notes",
                "Sign in again", null, null);
        RuntimeException sdk = new RuntimeException("Failed to send message", new IllegalStateException("wrapped", cause));

        assertThat(ConnectorException.in(sdk)).containsSame(cause);
        assertThat(ConnectorException.in(sdk).map(ConnectorException::kind)).contains(ConnectorException.Kind.SIGN_IN_REQUIRED);
    }

    @Test
    void theOutermostOneWinsAndTheExceptionItselfCounts() {
        ConnectorException inner = new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "down");
        ConnectorException outer = inner.withMessage("notes: down");

        assertThat(ConnectorException.in(outer)).containsSame(outer);
        assertThat(ConnectorException.in(new RuntimeException(outer))).containsSame(outer);
    }

    @Test
    void emptyWithoutOneNullOrACycle() {
        assertThat(ConnectorException.in(null)).isEmpty();
        assertThat(ConnectorException.in(new UncheckedIOException(new IOException("reset")))).isEmpty();

        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);                                  // a → b → a
        assertThat(ConnectorException.in(a)).isEmpty();
    }
}
