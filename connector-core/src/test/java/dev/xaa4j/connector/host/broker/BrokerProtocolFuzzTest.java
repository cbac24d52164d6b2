package dev.xaa4j.connector.host.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.SampleIssuerFixture;
import dev.xaa4j.connector.fuzz.FuzzInput;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.sample.SampleIssuer;
import dev.xaa4j.sample.SampleIssuers;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the broker's line protocol ({@link BrokerProtocol}) from both ends of a real Unix domain socket: what
 * a client process may send to a {@link BrokerServer} (serving a signed-out connector of the sample issuer),
 * and what a process listening on the socket may answer to a {@link BrokerClient}. Property: the server answers
 * every line with one JSON object and keeps serving; the client returns a value or a {@link ConnectorException}.
 */
@Tag("fuzz")
class BrokerProtocolFuzzTest {

    static final Path DIR = tempDir();
    static final SampleIssuer ISSUER = issuer();
    static final Connector CONNECTOR = SampleIssuerFixture.connector(ISSUER.idpIssuer(), ISSUER.servers(),
            new MemoryCredentialStore(), DIR.resolve("state")).build();
    static final Path SERVER_SOCKET = DIR.resolve("run").resolve("broker.sock");
    static final BrokerServer SERVER = BrokerServer.builder(CONNECTOR).socket(SERVER_SOCKET).start();
    static final FakeBroker FAKE = new FakeBroker(DIR.resolve("fake").resolve("broker.sock"));

    @AfterAll
    static void stop() throws Exception {
        FAKE.close();
        SERVER.close();
        CONNECTOR.close();
        ISSUER.close();
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(20)
    void theBrokerAnswersEveryLineAndKeepsServing(byte[] data) throws IOException {
        FuzzInput.allowLoopbackConnectionsOnly();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(SERVER_SOCKET));
            LineChannel line = new LineChannel(ch);
            String text = FuzzInput.text(data).replace("\r", "");
            line.writeLine((text.isEmpty() || text.endsWith("\n") ? text : text + "\n") + "{\"v\":1,\"id\":-42,\"op\":\"hello\"}");
            String answer;
            while ((answer = line.readLine()) != null) {
                JsonNode m = BrokerProtocol.JSON.readTree(answer);
                assertThat(m.isObject()).as("answer line %s", answer).isTrue();
                if (m.path("id").asLong() == -42) {
                    assertThat(m.path("result").path("versions").toString()).isEqualTo("[1]");
                    return;
                }
            }
            throw new AssertionError("the broker closed the connection before answering every line");
        }
    }

    @FuzzTest(maxDuration = "30s")
    @Timeout(20)
    void theClientTurnsAnyBrokerAnswerIntoAValueOrATypedFailure(byte[] data) {
        FuzzInput.allowLoopbackConnectionsOnly();
        FAKE.script(FuzzInput.parts(data));
        try (BrokerClient client = BrokerClient.connect(FAKE.socket, Duration.ofSeconds(2), Duration.ofMillis(500))) {
            call(() -> client.token("notes", Set.of("notes.read")));
            call(client::status);
            call(() -> client.invalidate("notes", "rejected-access-token-0123456789"));
            call(() -> client.requestScopes("notes", List.of("notes.write")));
            call(client::sessionChanged);
        } catch (ConnectorException refused) {
            // e.g. the hello answer was an error: a typed refusal
        }
    }

    @Test
    @Timeout(20)
    void aMalformedTokenOrStatusAnswerIsABrokerExceptionNamingTheOperation() {
        FAKE.script(List.of("{\"value\":\"v\",\"scopes\":[]}", "{\"startedAt\":\"2026-11-22T00:00:00Z\","
                + "\"servers\":{\"notes\":{\"state\":\"BROKEN\"}}}"));
        try (BrokerClient client = BrokerClient.connect(FAKE.socket, Duration.ofSeconds(2), Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> client.token("notes")).isInstanceOf(BrokerException.class)
                    .hasMessageContaining("answer to 'token' is malformed");
            assertThatThrownBy(client::status).isInstanceOf(BrokerException.class)
                    .hasMessageContaining("answer to 'status' is malformed");
        }
    }

    private static void call(Runnable r) {
        try {
            r.run();
        } catch (ConnectorException expected) {
            assertThat(String.valueOf(expected.getMessage())).doesNotContain("rejected-access-token-0123456789");
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("xaa-broker-fuzz");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static SampleIssuer issuer() {
        try {
            return SampleIssuers.start(DIR.resolve("issuer"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A process listening on a broker socket that answers each request with the scripted line for its
     * operation (input fields: token, status, invalidate, requestScopes, sessionChanged, then lines sent
     * before every answer); {@code $ID} in a line is replaced by the request's id, and a line without it is
     * sent as that request's {@code result}. {@code hello} is answered properly.
     */
    static final class FakeBroker implements AutoCloseable {
        private static final List<String> OPS = List.of("token", "status", "invalidate", "requestScopes", "sessionChanged");
        final Path socket;
        private final ServerSocketChannel server;
        private volatile List<String> script = List.of();

        FakeBroker(Path socket) {
            this.socket = socket;
            BrokerSocket.prepareDirectory(socket);
            try {
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                server.bind(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Thread accept = new Thread(this::accept, "fake-broker");
            accept.setDaemon(true);
            accept.start();
        }

        void script(List<String> lines) {
            script = lines;
        }

        private void accept() {
            while (server.isOpen()) {
                try {
                    SocketChannel ch = server.accept();
                    Thread t = new Thread(() -> serve(new LineChannel(ch), script), "fake-broker-connection");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private static void serve(LineChannel line, List<String> script) {
            try (line) {
                String l;
                while ((l = line.readLine()) != null) {
                    JsonNode req = BrokerProtocol.JSON.readTree(l);
                    String id = req.path("id").toString();
                    String op = req.path("op").asText();
                    if (op.equals("hello")) {
                        line.writeLine("{\"v\":1,\"id\":" + id + ",\"result\":{\"pid\":1,\"versions\":[1]}}");
                        continue;
                    }
                    int i = OPS.indexOf(op);
                    String scripted = i >= 0 && i < script.size() ? script.get(i) : "{}";
                    StringBuilder out = new StringBuilder();
                    for (int extra = OPS.size(); extra < script.size(); extra++) {
                        out.append(script.get(extra).replace("\n", " ")).append('\n');
                    }
                    String answer = scripted.contains("$ID") ? scripted.replace("$ID", id)
                            : "{\"v\":1,\"id\":" + id + ",\"result\":" + scripted + "}";
                    line.writeLine(out + answer.replace("\n", " "));
                }
            } catch (IOException gone) {
                // the client closed the connection
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
