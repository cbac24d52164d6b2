package dev.xaa4j.langchain4j;

import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.ServerEntry;
import java.net.URI;
import java.time.Duration;

/**
 * LangChain4j MCP clients authorized by xaa4j, in one line (docs/architecture.md "One token source"):
 *
 * <pre>{@code
 * McpClient notes = XaaMcp.client("notes");          // the server "notes" of your xaa configuration
 * McpToolProvider tools = McpToolProvider.builder().mcpClients(notes).build();
 * }</pre>
 *
 * The token source is {@link TokenSource#forCurrentUser()} unless given: the tray app's or {@code xaa agent}'s
 * session while one runs, else a connector of this process from the user's {@code xaa} configuration. The transport
 * is an {@link AuthorizedMcpTransport}. Stateless.
 */
public final class XaaMcp {

    /** LangChain4j's per-request timeout used unless another is given. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private XaaMcp() {
    }

    /**
     * A client for the server {@code server} of the current user's {@code xaa} configuration, its tokens from
     * {@link TokenSource#forCurrentUser()}, one shared by every client of this method for the process's life.
     *
     * @throws ConnectorException of kind {@code CONFIGURATION} when the configuration has no server of that name
     */
    public static McpClient client(String server) {
        return client(CurrentUser.TOKENS, server, configuredUrl(server));
    }

    /** A client for {@code server} of {@code connector}, at the URL the connector has for it. */
    public static McpClient client(Connector connector, String server) {
        ServerConfig config = connector.servers().get(server);
        if (config == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server,
                    "No MCP server named '" + server + "' is configured", null, null);
        }
        return client(connector, server, config.url());
    }

    /** A client for the MCP server at {@code url} that {@code source} knows as {@code server}. */
    public static McpClient client(TokenSource source, String server, URI url) {
        return new DefaultMcpClient.Builder()
                .key(server)
                .clientName("xaa4j-langchain4j")
                .transport(transport(source, server, url, DEFAULT_TIMEOUT))
                .build();
    }

    /**
     * The authorized transport alone, for a {@link DefaultMcpClient.Builder} with further options.
     *
     * @param timeout LangChain4j's per-request timeout
     */
    public static AuthorizedMcpTransport transport(TokenSource source, String server, URI url, Duration timeout) {
        return new AuthorizedMcpTransport(source, server, url, timeout);
    }

    private static URI configuredUrl(String server) {
        ServerEntry entry = ConfigStore.forCurrentUser().load().servers().get(server);
        if (entry == null || entry.url() == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server, "No MCP server named '" + server
                    + "' is in your xaa configuration: add it with `xaa server add " + server + " URL`", null, null);
        }
        return URI.create(entry.url());
    }

    /** The current user's token source, made on first use and shared by the clients of {@link #client(String)}. */
    private static final class CurrentUser {
        static final TokenSource TOKENS = TokenSource.forCurrentUser();
    }
}
