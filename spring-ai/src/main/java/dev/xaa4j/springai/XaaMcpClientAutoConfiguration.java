package dev.xaa4j.springai;

import dev.xaa4j.connector.TokenSource;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import org.springframework.ai.mcp.customizer.McpClientCustomizer;
import org.springframework.ai.mcp.client.httpclient.autoconfigure.StreamableHttpHttpClientTransportAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Authorizes Spring AI's MCP client connections named in {@code xaa4j.servers} ({@link XaaMcpClientProperties})
 * through the one token source (docs/architecture.md "One token source"): each such Streamable HTTP transport gets
 * a request customizer that sets {@code Authorization} (and, for a DPoP-bound token, a fresh {@code DPoP} proof,
 * RFC 9449 §7.1) on every request, and the handler of the server's {@code 401} (renew, replay once) and
 * {@code 403 insufficient_scope} (step-up once, else a {@code ScopeDeniedException} naming the scope) — the same
 * parts as {@code McpTransports} (docs/protocol.md §1 step 4, §5). A request to another URL than the server's is
 * refused, and a name without a Streamable HTTP connection fails start-up (docs/architecture.md "Framework modules").
 *
 * <p>The token source is a {@link TokenSource} bean when the application defines one, else
 * {@link TokenSource#forCurrentUser()}: the tray app's or {@code xaa agent}'s session while one runs, else a
 * connector of this process from the user's {@code xaa} configuration.
 */
@AutoConfiguration(before = StreamableHttpHttpClientTransportAutoConfiguration.class)
@ConditionalOnClass({HttpClientStreamableHttpTransport.class, McpClientCustomizer.class})
@EnableConfigurationProperties(XaaMcpClientProperties.class)
public class XaaMcpClientAutoConfiguration {

    /** The current user's session, unless the application supplies its own {@link TokenSource}; closed with the context. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public TokenSource xaa4jTokenSource() {
        return TokenSource.forCurrentUser();
    }

    /**
     * Adds xaa4j's authorization to the transports of the connections named in {@code xaa4j.servers}; start-up fails
     * for a name without a Streamable HTTP connection ({@link ConnectionAuthorization}).
     */
    @Bean
    public ConnectionAuthorization xaa4jStreamableHttpAuthorization(TokenSource tokenSource, XaaMcpClientProperties properties) {
        return new ConnectionAuthorization(tokenSource, properties.getServers());
    }
}
