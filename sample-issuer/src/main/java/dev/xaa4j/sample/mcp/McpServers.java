package dev.xaa4j.sample.mcp;

import dev.xaa4j.sample.IssuerSettings;
import dev.xaa4j.sample.audit.AuditLog;
import dev.xaa4j.sample.dpop.DPoPModes;
import dev.xaa4j.sample.dpop.DPoPVerifier;
import dev.xaa4j.sample.oauth.OAuthFaults;
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
import java.util.function.Supplier;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The sample MCP servers, each a streamable-HTTP MCP server (MCP Java SDK servlet transport) at
 * {@code {base}/{name}/mcp}, guarded by a {@link BearerTokenFilter} and described by its RFC 9728 metadata
 * (docs/protocol.md §3.4): one per enterprise policy resource ({@code notes}, {@code tickets}; tokens of our EMA
 * AS), one per plain-OAuth policy resource ({@code wiki}; tokens of our plain AS, obeying the {@link OAuthFaults}),
 * and one per {@link IssuerSettings.ExternalAs} (tokens of another AS, e.g. Keycloak).
 */
public final class McpServers implements AutoCloseable {

    /** Our plain OAuth AS, and the second one the AS-migration fault switches the plain servers to. */
    public record PlainAs(URI issuer, URI jwksUri, URI migratedIssuer, URI migratedJwksUri, OAuthFaults faults) {
    }

    /** One server and how it is protected. */
    private record Guarded(McpResource resource, Supplier<URI> issuer, TokenVerifier verifier, OAuthFaults faults,
                           URI otherResource) {
    }

    private final List<Guarded> guarded = new ArrayList<>();
    private final List<McpSyncServer> running = new ArrayList<>();
    private final DPoPVerifier dpop;
    private final AuditLog audit;

    public McpServers(URI base, URI asIssuer, URI asJwksUri, Policy policy, Clock clock) {
        this(base, asIssuer, asJwksUri, policy, clock, null, List.of(), new DPoPVerifier(new DPoPModes(null)), null);
    }

    /**
     * @param plain     our plain AS, protecting the policy's plain-OAuth resources; {@code null} = none of those
     * @param externals servers trusting other authorization servers
     * @param dpop      checks the DPoP proofs of requests with DPoP-bound tokens (RFC 9449 §7), on every server
     * @param audit     where every MCP request's decision is recorded, or {@code null}
     */
    public McpServers(URI base, URI asIssuer, URI asJwksUri, Policy policy, Clock clock, PlainAs plain,
                      List<IssuerSettings.ExternalAs> externals, DPoPVerifier dpop, AuditLog audit) {
        this.dpop = dpop;
        this.audit = audit;
        AccessTokenVerifier verifier = new AccessTokenVerifier(asIssuer, asJwksUri, clock);
        for (Policy.Resource r : policy.resources()) {
            guarded.add(new Guarded(McpResource.of(base, r, Tools.forResource(r, resourceUri(base, r.name()), clock)),
                    () -> asIssuer, verifier, null, null));
        }
        if (plain != null) {
            AccessTokenVerifier first = new AccessTokenVerifier(plain.issuer(), plain.jwksUri(), clock);
            AccessTokenVerifier second = new AccessTokenVerifier(plain.migratedIssuer(), plain.migratedJwksUri(), clock);
            OAuthFaults faults = plain.faults();
            Supplier<Boolean> migrated = () -> faults.is(OAuthFaults.Fault.AS_MIGRATION);
            URI other = policy.resources().isEmpty() ? URI.create("https://evil.example.com/mcp")
                    : resourceUri(base, policy.resources().get(0).name());
            for (Policy.Resource r : policy.plainOAuth().resources()) {
                McpResource server = McpResource.of(base, r, Tools.forResource(r, resourceUri(base, r.name()), clock),
                        "oauth");
                guarded.add(new Guarded(server, () -> migrated.get() ? plain.migratedIssuer() : plain.issuer(),
                        (token, resource) -> (migrated.get() ? second : first).verify(token, resource), faults, other));
            }
        }
        for (IssuerSettings.ExternalAs ext : externals) {
            Policy.Resource r = externalResource(ext);
            List<ScopedTool> tools = new ArrayList<>(Tools.forResource(r, resourceUri(base, r.name()), clock));
            tools.addAll(Tools.wiki(r, clock));
            guarded.add(new Guarded(McpResource.of(base, r, tools, "external"), ext::issuer,
                    new ExternalAsVerifier(ext, clock), null, null));
        }
    }

    /** The MCP server trusting {@code ext} as a policy resource: scopes {@code NAME:read}, {@code NAME:write}. */
    public static Policy.Resource externalResource(IssuerSettings.ExternalAs ext) {
        return new Policy.Resource(ext.server(), ext.server() + " (trusts " + ext.issuer() + ")",
                List.of(ext.server() + ":read", ext.server() + ":write"));
    }

    /** Each server's name and flow ({@code ema}, {@code oauth}, {@code external}), in start-up order. */
    public Map<String, String> flows() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        guarded.forEach(g -> out.put(g.resource().name(), g.resource().flow()));
        return out;
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
        for (Guarded g : guarded) {
            McpResource r = g.resource();
            String path = r.endpointPath();
            context.addServlet(new ServletHolder(r.name() + "-prm", new ProtectedResourceMetadataServlet(r, g.issuer(),
                    g.faults(), g.otherResource())), r.metadataUrl().getRawPath());

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
                    .instructions(r.title() + (McpResource.EMA.equals(r.flow())
                            ? " (sample MCP server protected by enterprise-managed authorization)"
                            : " (sample MCP server protected by MCP OAuth authorization)"))
                    .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                    .tools(r.tools().values().stream().map(ScopedTool::spec).toList())
                    .build());

            ServletHolder mcp = new ServletHolder(r.name() + "-mcp", transport);
            mcp.setAsyncSupported(true);
            context.addServlet(mcp, path);
            FilterHolder guard = new FilterHolder(new BearerTokenFilter(r, g.verifier(), g.faults(), dpop, audit));
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
