package dev.xaa4j.connector.mcp;

import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.internal.http.Network;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.function.Consumer;

/**
 * Authorized MCP Java SDK transports in one line (docs/protocol.md §1 step 4):
 *
 * <pre>{@code
 * McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(connector, "notes")).build();
 * client.initialize();
 * client.callTool(McpSchema.CallToolRequest.builder("list_notes").arguments(Map.of()).build());
 * }</pre>
 *
 * With any {@link TokenSource} (the URL then given), e.g. the session of the tray app or {@code xaa agent} while one
 * runs, else an embedded connector:
 *
 * <pre>{@code
 * TokenSource tokens = TokenSource.shared(() -> connector);
 * McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(tokens, "notes", URI.create("https://notes.example/mcp"))).build();
 * }</pre>
 *
 * The transport carries a {@link BearerTokenCustomizer} (a fresh token on every request) and an
 * {@link AuthorizationErrorHandler} (401 → renew and replay once; 403 insufficient_scope → step-up once), and
 * its JDK HTTP client uses the product's proxy and TLS trust ({@code HTTPS_PROXY}, {@code NO_PROXY},
 * {@code XAA_CA_BUNDLE}; docs/architecture.md "connector-core packages").
 */
public final class McpTransports {

    private McpTransports() {
    }

    /**
     * A Streamable HTTP transport to the configured server {@code server}.
     *
     * @throws ConnectorException of kind {@code CONFIGURATION} when {@code connector} has no server of that name
     */
    public static HttpClientStreamableHttpTransport streamableHttp(Connector connector, String server) {
        return streamableHttpBuilder(connector, server).build();
    }

    /** The same, as a builder for further SDK options (timeouts, JSON mapper, client builder). */
    public static HttpClientStreamableHttpTransport.Builder streamableHttpBuilder(Connector connector, String server) {
        Network network = Network.system();
        return streamableHttpBuilder(connector, server, network::configure);
    }

    /**
     * The same, with {@code httpClient} setting up the JDK HTTP client (proxy, TLS trust, timeouts) instead of
     * this process's proxy variables and CA bundle.
     *
     * @throws ConnectorException of kind {@link ConnectorException.Kind#CONFIGURATION CONFIGURATION}, naming
     *                            {@code server}, when {@code connector} has no server of that name
     */
    public static HttpClientStreamableHttpTransport.Builder streamableHttpBuilder(Connector connector, String server,
                                                                                  Consumer<HttpClient.Builder> httpClient) {
        ServerConfig config = connector.servers().get(server);
        if (config == null) {
            throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, server,
                    "No MCP server named '" + server + "' is configured", null, null);
        }
        return builder(connector, server, config.url(), httpClient);
    }

    /** A Streamable HTTP transport to {@code url}, the MCP server {@code source} knows as {@code server}. */
    public static HttpClientStreamableHttpTransport streamableHttp(TokenSource source, String server, URI url) {
        return streamableHttpBuilder(source, server, url).build();
    }

    /**
     * The same, as a builder for further SDK options.
     *
     * @param source where tokens come from ({@link TokenSource#shared}, a {@link Connector})
     * @param server the name {@code source} knows the server by
     * @param url    the server's Streamable HTTP endpoint
     */
    public static HttpClientStreamableHttpTransport.Builder streamableHttpBuilder(TokenSource source, String server, URI url) {
        return builder(source, server, url, Network.system()::configure);
    }

    private static HttpClientStreamableHttpTransport.Builder builder(TokenSource source, String server, URI url,
                                                                      Consumer<HttpClient.Builder> httpClient) {
        String base = url.getScheme() + "://" + url.getRawAuthority();
        String endpoint = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            endpoint += "?" + url.getRawQuery();
        }
        return HttpClientStreamableHttpTransport.builder(base)
                .endpoint(endpoint)
                .customizeClient(httpClient) // proxy and CA bundle, like every other client
                .addAsyncHttpRequestCustomizer(new BearerTokenCustomizer(source, server))
                .authorizationErrorHandler(new AuthorizationErrorHandler(source, server));
    }
}
