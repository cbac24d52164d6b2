package dev.xaa4j.langchain4j;

import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.mcp.McpTransports;
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
     * @throws ConnectorException of kind {@code CONFIGURATION} when the configuration has no server of that name, or
     *                            it (or the organization's policy) cannot be read
     */
    public static McpClient client(String server) {
        return client(CurrentUser.TOKENS, server, configuredUrl(server));
    }

    /**
     * A client for {@code server} of {@code connector}, at the URL the connector has for it.
     *
     * @throws ConnectorException of kind {@code CONFIGURATION} when {@code connector} has no server of that name
     */
    public static McpClient client(Connector connector, String server) {
        return client(connector, server, McpTransports.serverUrl(connector, server));
    }

    /**
     * A client for the MCP server at {@code url} that {@code source} knows as {@code server}. Connects on first use.
     * Thread-safe, like the client it returns.
     *
     * @param url the server's Streamable HTTP endpoint: the URL {@code server}'s tokens are for
     *            ({@link McpTransports#serverUrl}; for an ad-hoc server, a name that is a URL, that name)
     * @throws ConnectorException of kind {@code CONFIGURATION} when {@code url} is another URL (the message names
     *                            both and the fix; a token for one server is sent to no other), when
     *                            {@code server} is not configured, or when the configuration or the organization's
     *                            policy cannot be read
     */
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
     * @throws ConnectorException as {@link #client(TokenSource, String, URI)}
     */
    public static AuthorizedMcpTransport transport(TokenSource source, String server, URI url, Duration timeout) {
        McpTransports.requireServerUrl(server, McpTransports.serverUrl(source, server), url);
        return new AuthorizedMcpTransport(source, server, url, timeout);
    }

    private static URI configuredUrl(String server) {
        return McpTransports.serverUrl(CurrentUser.TOKENS, server);
    }

    /** The current user's token source, made on first use and shared by the clients of {@link #client(String)}. */
    private static final class CurrentUser {
        static final TokenSource TOKENS = TokenSource.forCurrentUser();
    }
}
