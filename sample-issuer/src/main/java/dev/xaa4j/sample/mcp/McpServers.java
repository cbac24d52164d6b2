package dev.xaa4j.sample.mcp;

import dev.xaa4j.sample.policy.Policy;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.DispatcherType;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The sample MCP servers, one per policy resource ({@code notes}, {@code tickets}), each a streamable-HTTP
 * MCP server (MCP Java SDK servlet transport) at {@code {base}/{name}/mcp}, guarded by a
 * {@link BearerTokenFilter} that accepts only access tokens our authorization server issued for it, and
 * described by its RFC 9728 metadata (docs/protocol.md §3.4).
 */
public final class McpServers implements AutoCloseable {

    private final URI asIssuer;
    private final AccessTokenVerifier verifier;
    private final List<McpResource> resources = new ArrayList<>();
    private final List<McpSyncServer> running = new ArrayList<>();

    public McpServers(URI base, URI asIssuer, URI asJwksUri, Policy policy, Clock clock) {
        this.asIssuer = asIssuer;
        this.verifier = new AccessTokenVerifier(asIssuer, asJwksUri, clock);
        for (Policy.Resource r : policy.resources()) {
            resources.add(McpResource.of(base, r, Tools.forResource(r, resourceUri(base, r.name()), clock)));
        }
    }

    /**
     * Loads the MCP SDK's JSON mapper, schema validator and Reactor ahead of {@link #install}, so the issuer's
     * start-up can do that class loading on another thread. Idempotent.
     */
    public static boolean warmUp() {
        McpJsonDefaults.getMapper();
        McpJsonDefaults.getSchemaValidator().validate(Map.of("type", "object"), Map.of());
        reactor.core.publisher.Mono.just(Boolean.TRUE).map(b -> b).block();
        return true;
    }

    /** The URL (and RFC 9728 resource identifier) of the MCP server {@code name}. */
    public static URI resourceUri(URI base, String name) {
        return URI.create(base + "/" + name + "/mcp");
    }

    public void install(ServletContextHandler context) {
        for (McpResource r : resources) {
            String path = r.endpointPath();
            context.addServlet(new ServletHolder(r.name() + "-prm", new ProtectedResourceMetadataServlet(r, asIssuer)),
                    r.metadataUrl().getRawPath());

            HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider
                    .builder()
                    .jsonMapper(McpJsonDefaults.getMapper())
                    .mcpEndpoint(path)
                    .contextExtractor(req -> req.getAttribute(Principal.KEY) instanceof Principal p
                            ? McpTransportContext.create(Map.of(Principal.KEY, p))
                            : McpTransportContext.EMPTY)
                    .build();
            running.add(McpServer.sync(transport)
                    .serverInfo("xaa4j-sample-" + r.name(), "0.1.0")
                    .instructions(r.title() + " (sample MCP server protected by enterprise-managed authorization)")
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                    .tools(r.tools().values().stream().map(ScopedTool::spec).toList())
                    .build());

            ServletHolder mcp = new ServletHolder(r.name() + "-mcp", transport);
            mcp.setAsyncSupported(true);
            context.addServlet(mcp, path);
            FilterHolder guard = new FilterHolder(new BearerTokenFilter(r, verifier));
            guard.setName(r.name() + "-bearer");
            guard.setAsyncSupported(true);
            context.addFilter(guard, path, EnumSet.of(DispatcherType.REQUEST));
        }
    }

    /** Closes the MCP sessions and the SDK's background threads (its session sweepers are not daemons). */
    @Override
    public void close() {
        for (McpSyncServer server : running) {
            server.close();
        }
        running.clear();
    }
}
