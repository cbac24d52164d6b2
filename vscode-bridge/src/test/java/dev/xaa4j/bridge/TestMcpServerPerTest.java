package dev.xaa4j.bridge;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For test classes that run the bridge against a fresh {@link TestMcpServer} per test: started before each test
 * ({@link #newServer()}, the Streamable HTTP one unless a class says otherwise) into {@link #server}, and whatever
 * {@link #server} holds after the test (a test may restart it) closed.
 */
abstract class TestMcpServerPerTest {

    TestMcpServer server;

    /** The server each test starts with. */
    TestMcpServer newServer() throws Exception {
        return TestMcpServer.start();
    }

    @BeforeEach
    final void startServer() throws Exception {
        server = newServer();
    }

    @AfterEach
    final void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }
}
