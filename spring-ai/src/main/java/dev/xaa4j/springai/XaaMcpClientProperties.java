package dev.xaa4j.springai;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code xaa4j.*}: which of Spring AI's MCP client connections get their tokens from xaa4j. Each name is both the
 * connection's name under {@code spring.ai.mcp.client.streamable-http.connections} and the server's name in the
 * token source (the user's {@code xaa} configuration, or the tray's or {@code xaa agent}'s session):
 *
 * <pre>
 * xaa4j.servers=notes
 * spring.ai.mcp.client.streamable-http.connections.notes.url=https://notes.example
 * spring.ai.mcp.client.streamable-http.connections.notes.endpoint=/mcp
 * </pre>
 *
 * Connections not named here are left as Spring AI builds them. Not thread-safe (bound once at start-up).
 */
@ConfigurationProperties(prefix = XaaMcpClientProperties.PREFIX)
public class XaaMcpClientProperties {

    /** The prefix of these properties. */
    public static final String PREFIX = "xaa4j";

    private List<String> servers = new ArrayList<>();

    /** The connection (and server) names to authorize; empty: none. */
    public List<String> getServers() {
        return servers;
    }

    public void setServers(List<String> servers) {
        this.servers = servers == null ? new ArrayList<>() : new ArrayList<>(servers);
    }
}
