package dev.xaa4j.bridge;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real MCP server for the bridge's tests: the MCP Java SDK's Streamable HTTP servlet transport on embedded
 * Jetty 12, with tools that exercise every message kind (sampling, elicitation, roots, progress, slow) and an
 * optional bearer-token filter (401 for unknown tokens, 403 insufficient_scope for read-only ones).
 */
final class TestMcpServer implements AutoCloseable {

    /** One HTTP request as the server saw it. */
    record Seen(String method, String authorization, String sessionId, String protocolVersion) {
    }

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** Tokens accepted; empty = no authorization required. */
    final Set<String> validTokens = ConcurrentHashMap.newKeySet();
    /** The {@code WWW-Authenticate} of a 401. */
    volatile String challenge401 = "Bearer error=\"invalid_token\"";
    /** Tokens that are valid but lack scope {@code notes:write}: 403 insufficient_scope. */
    final Set<String> readOnlyTokens = ConcurrentHashMap.newKeySet();
    /** When set, a 403 carries a {@code Basic} challenge in a first header field and the Bearer one, unquoted, in a second. */
    volatile boolean basicChallengeFirst;

    private Server jetty;
    private McpSyncServer mcp;
    private volatile URI endpoint;

    private TestMcpServer() {
    }

    static TestMcpServer start() throws Exception {
        return start(0);
    }

    /** Starts on {@code port} (0 = any); a restart on the same port loses every session, like a real redeploy. */
    static TestMcpServer start(int port) throws Exception {
        return start(port, false, "1.0");
    }

    /** A new release of the server: its initialize answer names {@code version}. */
    static TestMcpServer startVersion(int port, String version) throws Exception {
        return start(port, false, version);
    }

    /** Over HTTPS with the PKCS12 {@code keyStore} (password {@code password}). */
    static TestMcpServer startTls(java.nio.file.Path keyStore, String password) throws Exception {
        org.eclipse.jetty.util.ssl.SslContextFactory.Server tls = new org.eclipse.jetty.util.ssl.SslContextFactory.Server();
        tls.setKeyStorePath(keyStore.toString());
        tls.setKeyStorePassword(password);
        tls.setKeyStoreType("PKCS12");
        return start(0, false, "1.0", tls);
    }

    /** An old server: the HTTP+SSE transport of MCP 2024-11-05 (GET /sse, POST /message?sessionId=…). */
    static TestMcpServer startLegacy() throws Exception {
        return start(0, true, "1.0");
    }

    private static TestMcpServer start(int port, boolean legacy, String version) throws Exception {
        return start(port, legacy, version, null);
    }

    private static TestMcpServer start(int port, boolean legacy, String version,
                                       org.eclipse.jetty.util.ssl.SslContextFactory.Server tls) throws Exception {
        jakarta.servlet.http.HttpServlet transport;
        McpSyncServer mcp;
        if (legacy) {
            var sse = io.modelcontextprotocol.server.transport.HttpServletSseServerTransportProvider.builder()
                    .jsonMapper(McpJsonDefaults.getMapper()).sseEndpoint("/sse").messageEndpoint("/message").build();
            transport = sse;
            mcp = McpServer.sync(sse).serverInfo("test-legacy", "1.0")
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                    .requestTimeout(Duration.ofSeconds(30)).tools(tools()).build();
        } else {
            var streamable = HttpServletStreamableServerTransportProvider.builder()
                    .jsonMapper(McpJsonDefaults.getMapper()).mcpEndpoint("/mcp").build();
            transport = streamable;
            mcp = McpServer.sync(streamable).serverInfo("test-notes", version)
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(true).logging().build())
                    .requestTimeout(Duration.ofSeconds(30)).tools(tools()).build();
        }
        TestMcpServer server = new TestMcpServer();
        Server jetty = new Server();
        ServerConnector connector = tls == null ? new ServerConnector(jetty) : new ServerConnector(jetty, tls);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        ctx.setContextPath("/");
        ServletHolder holder = new ServletHolder(transport);
        holder.setAsyncSupported(true);
        ctx.addServlet(holder, legacy ? "/*" : "/mcp");
        FilterHolder filter = new FilterHolder((Filter) (req, res, chain) -> {
            if (server.admit((HttpServletRequest) req, (HttpServletResponse) res)) {
                chain.doFilter(req, res);
            }
        });
        filter.setAsyncSupported(true);
        ctx.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        jetty.setHandler(ctx);
        jetty.start();
        server.jetty = jetty;
        server.mcp = mcp;
        server.endpoint = URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + connector.getLocalPort()
                + (legacy ? "/sse" : "/mcp"));
        return server;
    }

    private boolean admit(HttpServletRequest req, HttpServletResponse res) throws java.io.IOException {
        String authorization = req.getHeader("Authorization");
        seen.add(new Seen(req.getMethod(), authorization, req.getHeader("Mcp-Session-Id"), req.getHeader("MCP-Protocol-Version")));
        if (validTokens.isEmpty() && readOnlyTokens.isEmpty()) {
            return true;
        }
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : "";
        if (readOnlyTokens.contains(token) && basicChallengeFirst) {
            res.addHeader("WWW-Authenticate", "Basic realm=\"corp\"");
            res.addHeader("WWW-Authenticate", "Bearer realm = \"notes\" , error=insufficient_scope, scope=\"notes:read notes:write\"");
            res.sendError(403);
            return false;
        }
        if (readOnlyTokens.contains(token)) {
            res.setHeader("WWW-Authenticate", "Bearer error=\"insufficient_scope\", scope=\"notes:read notes:write\", "
                    + "resource_metadata=\"" + endpoint.resolve("/.well-known/oauth-protected-resource") + "\"");
            res.sendError(403);
            return false;
        }
        if (!validTokens.contains(token)) {
            res.setHeader("WWW-Authenticate", challenge401);
            res.sendError(401);
            return false;
        }
        return true;
    }

    URI endpoint() {
        return endpoint;
    }

    int port() {
        return endpoint.getPort();
    }

    long count(String httpMethod) {
        return seen.stream().filter(s -> s.method().equals(httpMethod)).count();
    }

    McpSyncServer mcp() {
        return mcp;
    }

    @Override
    public void close() throws Exception {
        try {
            mcp.closeGracefully();
        } finally {
            jetty.stop();
        }
    }

    private static List<SyncToolSpecification> tools() {
        return List.of(
                tool("echo", "echoes its text argument", (ex, req) ->
                        text("echo: " + req.arguments().get("text"))),
                tool("sample", "asks the client's model (sampling/createMessage)", (ex, req) -> {
                    McpSchema.CreateMessageResult r = ex.createMessage(McpSchema.CreateMessageRequest.builder()
                            .messages(List.of(new McpSchema.SamplingMessage(McpSchema.Role.USER,
                                    new McpSchema.TextContent(String.valueOf(req.arguments().get("prompt"))))))
                            .maxTokens(50)
                            .build());
                    return text("model said: " + ((McpSchema.TextContent) r.content()).text());
                }),
                tool("elicit", "asks the user (elicitation/create)", (ex, req) -> {
                    McpSchema.ElicitResult r = ex.createElicitation(McpSchema.ElicitRequest.builder()
                            .message("your name?")
                            .requestedSchema(Map.of("type", "object",
                                    "properties", Map.of("name", Map.of("type", "string"))))
                            .build());
                    return text("user " + r.action().name().toLowerCase() + ": " + r.content());
                }),
                tool("roots", "lists the client's roots (roots/list)", (ex, req) ->
                        text("roots: " + ex.listRoots().roots().size())),
                tool("progress", "sends three progress notifications", (ex, req) -> {
                    Object token = req.meta() == null ? null : req.meta().get("progressToken");
                    for (int i = 1; i <= 3 && token != null; i++) {
                        ex.progressNotification(new McpSchema.ProgressNotification(token, i, 3.0, "step " + i));
                    }
                    return text("done");
                }),
                tool("slow", "sleeps for 'ms' milliseconds", (ex, req) -> {
                    try {
                        // a fixture, not a wait: the slow tool the tests call
                        Thread.sleep(Long.parseLong(String.valueOf(req.arguments().getOrDefault("ms", "1000"))));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return text("slept");
                }));
    }

    private static SyncToolSpecification tool(String name, String description,
                                              BiFunction<McpSyncServerExchange, McpSchema.CallToolRequest, McpSchema.CallToolResult> handler) {
        return SyncToolSpecification.builder()
                .tool(McpSchema.Tool.builder().name(name).description(description)
                        .inputSchema(Map.of("type", "object")).build())
                .callHandler(handler)
                .build();
    }

    private static McpSchema.CallToolResult text(String s) {
        return McpSchema.CallToolResult.builder().addTextContent(s).build();
    }
}
