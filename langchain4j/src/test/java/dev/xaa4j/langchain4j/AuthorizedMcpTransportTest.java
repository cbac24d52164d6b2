package dev.xaa4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** How the transport reads LangChain4j's report of a refused request (it carries the status only in its message). */
class AuthorizedMcpTransportTest {

    @Test
    void theStatusIsFoundThroughCompletionWrappers() {
        RuntimeException refused = new RuntimeException("Unexpected status code: 403");
        assertThat(AuthorizedMcpTransport.status(new CompletionException(refused))).contains(403);
        assertThat(AuthorizedMcpTransport.status(new RuntimeException("wrapped", new RuntimeException("Unexpected status code: 401")))).contains(401);
    }

    @Test
    void otherFailuresHaveNoStatus() {
        assertThat(AuthorizedMcpTransport.status(new RuntimeException("Connection refused"))).isEmpty();
        assertThat(AuthorizedMcpTransport.status(new RuntimeException((String) null))).isEmpty();
    }
}
