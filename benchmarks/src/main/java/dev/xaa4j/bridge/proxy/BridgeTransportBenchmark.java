package dev.xaa4j.bridge.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

/**
 * One {@code tools/call} from the client's stdin line to the bytes the client reads back, against one local MCP
 * server (the MCP Java SDK's own Streamable HTTP servlet transport on Jetty, tool {@code echo}), four ways:
 * <ul>
 *   <li>{@code plainHttp}: the floor — one HTTP POST of the same bytes (Apache HttpClient classic), the whole
 *       response read; no JSON handling on the client;</li>
 *   <li>{@code bridgeChannel}: the bridge's {@link UpstreamChannel} ({@link NegotiatedChannel} →
 *       {@link StreamableHttpUpstream}): the line parsed to a {@code JsonNode}, forwarded as it is, the answer
 *       serialized for stdout, all on the calling thread;</li>
 *   <li>{@code sdkTransport}: the SDK's {@code HttpClientStreamableHttpTransport} as the bridge would have to use
 *       it: the line deserialized to {@code McpSchema.JSONRPCMessage}, {@code sendMessage}, the answer handed to
 *       the transport's handler on the SDK's threads (Reactor, JDK HttpClient), serialized back;</li>
 *   <li>{@code bridgeStdio}: the whole {@link StdioBridge} in-process, stdin and stdout on pipes (stdin reader,
 *       dispatch, worker, channel, writer) — what an AI client sees, minus the process boundary.</li>
 * </ul>
 * "Added latency" = a variant's time minus {@code plainHttp}'s. Results and the command: docs/architecture.md
 * "Why the bridge has its own transport". Lives in the bridge's package to reach its package-private channel.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar BridgeTransportBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Xmx512m"})
public class BridgeTransportBenchmark {

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":\"init\",\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}";
    private static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Server jetty;
    private McpSyncServer mcp;
    private URI endpoint;
    private long ids;

    private final ObjectMapper mapper = MessageLimit.mapper();
    private NegotiatedChannel channel;
    /** What the bridge's channel hands the client, serialized as JsonRpcWriter would. */
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

    private HttpClientStreamableHttpTransport sdk;
    private McpJsonMapper sdkMapper;
    private final Map<Object, CompletableFuture<McpSchema.JSONRPCMessage>> sdkPending = new ConcurrentHashMap<>();

    private CloseableHttpClient plain;
    private String plainSession;

    private PipedOutputStream bridgeStdin;
    private final Map<String, CompletableFuture<Void>> bridgeAnswers = new ConcurrentHashMap<>();
    private CompletableFuture<Integer> bridgeExit;

    @Setup
    public void setUp() throws Exception {
        startServer();
        channel = NegotiatedChannel.to(BridgeSettings.defaults("bench", endpoint), UpstreamAuth.none(), mapper,
                m -> write(m));
        channel.initialize((ObjectNode) mapper.readTree(INITIALIZE), WAIT);
        channel.send(mapper.readTree(INITIALIZED));

        sdkMapper = McpJsonDefaults.getMapper();
        sdk = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + endpoint.getPort()).endpoint("/mcp").build();
        sdk.connect(incoming -> incoming.doOnNext(m -> {
            if (m instanceof McpSchema.JSONRPCResponse r) {
                CompletableFuture<McpSchema.JSONRPCMessage> waiting = sdkPending.remove(r.id());
                if (waiting != null) {
                    waiting.complete(r);
                }
            }
        }).then(Mono.empty())).block();
        sdkCall(INITIALIZE, "init");
        sdk.sendMessage(McpSchema.deserializeJsonRpcMessage(sdkMapper, INITIALIZED)).block();

        plain = HttpClients.createDefault();
        try (ClassicHttpResponse r = plain.executeOpen(null, post(INITIALIZE), null)) {
            plainSession = r.getFirstHeader("Mcp-Session-Id").getValue();
            EntityUtils.consume(r.getEntity());
        }
        try (ClassicHttpResponse r = plain.executeOpen(null, post(INITIALIZED), null)) {
            EntityUtils.consume(r.getEntity());
        }

        startBridge();
    }

    private void startServer() throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(McpJsonDefaults.getMapper()).mcpEndpoint("/mcp").build();
        mcp = McpServer.sync(transport).serverInfo("bench", "1")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(SyncToolSpecification.builder()
                        .tool(McpSchema.Tool.builder().name("echo").description("echoes its text")
                                .inputSchema(Map.of("type", "object")).build())
                        .callHandler((exchange, request) -> McpSchema.CallToolResult.builder()
                                .addTextContent("echo: " + request.arguments().get("text")).build())
                        .build())
                .build();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/mcp");
        jetty.setHandler(context);
        jetty.start();
        endpoint = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/mcp");
    }

    /** The bridge as `xaa bridge` runs it, its stdout read line by line (one answer per line). */
    private void startBridge() throws Exception {
        PipedInputStream in = new PipedInputStream(1 << 16);
        bridgeStdin = new PipedOutputStream(in);
        OutputStream out = new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                if (b != '\n') {
                    line.write(b);
                    return;
                }
                String s = line.toString(StandardCharsets.UTF_8);
                line.reset();
                int at = s.indexOf("\"id\":\"");
                if (at >= 0) {
                    CompletableFuture<Void> waiting = bridgeAnswers.remove(s.substring(at + 6, s.indexOf('"', at + 6)));
                    if (waiting != null) {
                        waiting.complete(null);
                    }
                }
            }
        };
        StdioBridge bridge = new StdioBridge(BridgeSettings.defaults("bench", endpoint)
                .withInitializeBudget(Duration.ofSeconds(10)), UpstreamAuth.none(), out, "bench");
        bridgeExit = CompletableFuture.supplyAsync(() -> bridge.run(in));
        bridgeCall(INITIALIZE, "init");
        bridgeStdin.write((INITIALIZED + "\n").getBytes(StandardCharsets.UTF_8));
        bridgeStdin.flush();
    }

    @TearDown
    public void tearDown() throws Exception {
        bridgeStdin.close();
        bridgeExit.get(15, TimeUnit.SECONDS);
        channel.close();
        sdk.closeGracefully().block(WAIT);
        plain.close();
        mcp.close();
        jetty.stop();
    }

    private String nextCall() {
        String id = "c" + ++ids;
        return "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"text\":\"hello\"}}}";
    }

    private static String idOf(String line) {
        int at = line.indexOf("\"id\":\"") + 6;
        return line.substring(at, line.indexOf('"', at));
    }

    private void write(JsonNode message) {
        try {
            byte[] bytes = mapper.writeValueAsBytes(message);
            synchronized (stdout) {
                stdout.reset();
                stdout.write(bytes);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpPost post(String json) {
        HttpPost post = new HttpPost(endpoint);
        post.setHeader("Accept", "application/json, text/event-stream");
        if (plainSession != null) {
            post.setHeader("Mcp-Session-Id", plainSession);
            post.setHeader("MCP-Protocol-Version", "2025-06-18");
        }
        post.setEntity(new ByteArrayEntity(json.getBytes(StandardCharsets.UTF_8), ContentType.APPLICATION_JSON));
        return post;
    }

    private McpSchema.JSONRPCMessage sdkCall(String line, String id) throws Exception {
        CompletableFuture<McpSchema.JSONRPCMessage> answer = new CompletableFuture<>();
        sdkPending.put(id, answer);
        sdk.sendMessage(McpSchema.deserializeJsonRpcMessage(sdkMapper, line)).subscribe();
        return answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void bridgeCall(String line, String id) throws Exception {
        CompletableFuture<Void> answer = new CompletableFuture<>();
        bridgeAnswers.put(id, answer);
        bridgeStdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        bridgeStdin.flush();
        answer.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Benchmark
    public byte[] plainHttp() throws Exception {
        try (ClassicHttpResponse r = plain.executeOpen(null, post(nextCall()), null)) {
            return EntityUtils.toByteArray(r.getEntity());
        }
    }

    @Benchmark
    public boolean bridgeChannel() throws Exception {
        JsonNode call = mapper.readTree(nextCall());
        if (!channel.request(call, WAIT, () -> { }, () -> { })) {
            throw new IllegalStateException("no answer");
        }
        return true;
    }

    @Benchmark
    public byte[] sdkTransport() throws Exception {
        String line = nextCall();
        return sdkMapper.writeValueAsBytes(sdkCall(line, idOf(line)));
    }

    @Benchmark
    public void bridgeStdio() throws Exception {
        String line = nextCall();
        bridgeCall(line, idOf(line));
    }
}
