package dev.xaa4j.sample.mcp;

import dev.xaa4j.sample.policy.Policy;
import java.net.URI;
import java.time.Clock;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/** STUB — to be implemented: the MCP servers (notes, tickets) with bearer-token protection. */
public final class McpServers {

    public McpServers(URI base, URI asIssuer, URI asJwksUri, Policy policy, Clock clock) {
    }

    /** The URL (and RFC 9728 resource identifier) of the MCP server {@code name}. */
    public static URI resourceUri(URI base, String name) {
        return URI.create(base + "/" + name + "/mcp");
    }

    public void install(ServletContextHandler context) {
    }
}
