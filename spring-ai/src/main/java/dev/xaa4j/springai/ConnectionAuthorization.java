package dev.xaa4j.springai;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.mcp.McpTransports;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.ai.mcp.customizer.McpClientCustomizer;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The customizer {@link XaaMcpClientAutoConfiguration} contributes: authorizes the Streamable HTTP connections named
 * in {@code xaa4j.servers} ({@link McpTransports#authorize}), and once every bean exists fails start-up when a named
 * server got no such connection (a typo, an SSE connection, the WebFlux transport), so its requests never go out
 * without a token to end in a bare {@code 401}. Thread-safe.
 */
public final class ConnectionAuthorization implements McpClientCustomizer<HttpClientStreamableHttpTransport.Builder>,
        SmartInitializingSingleton {

    private final TokenSource tokenSource;
    private final List<String> servers;
    private final Set<String> authorized = ConcurrentHashMap.newKeySet();

    /**
     * @param tokenSource where tokens come from
     * @param servers     the connection (and server) names of {@code xaa4j.servers}
     */
    public ConnectionAuthorization(TokenSource tokenSource, List<String> servers) {
        this.tokenSource = tokenSource;
        this.servers = List.copyOf(servers);
    }

    @Override
    public void customize(String name, HttpClientStreamableHttpTransport.Builder builder) {
        if (servers.contains(name)) {
            McpTransports.authorize(builder, tokenSource, name);
            authorized.add(name);
        }
    }

    /**
     * @throws ConnectorException of kind {@code CONFIGURATION} naming the first server of {@code xaa4j.servers}
     *                            without a Streamable HTTP connection, and the property to set
     */
    @Override
    public void afterSingletonsInstantiated() {
        for (String name : servers) {
            if (!authorized.contains(name)) {
                throw new ConnectorException(ConnectorException.Kind.CONFIGURATION, name, "xaa4j.servers names '" + name
                        + "', but Spring AI made no Streamable HTTP connection of that name, so its requests would go out"
                        + " without a token: set spring.ai.mcp.client.streamable-http.connections." + name + ".url (xaa4j"
                        + " authorizes Streamable HTTP connections of the JDK HTTP client only, not SSE or WebFlux), or"
                        + " remove '" + name + "' from xaa4j.servers", null, null);
            }
        }
    }
}
