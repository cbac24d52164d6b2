package dev.xaa4j.springai;

import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.mcp.McpTransports;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.util.Set;
import org.springframework.ai.mcp.client.httpclient.autoconfigure.StreamableHttpHttpClientTransportAutoConfiguration;
import org.springframework.ai.mcp.customizer.McpClientCustomizer;
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
 * parts as {@link McpTransports} (docs/protocol.md §1 step 4, §5).
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

    /** Adds xaa4j's authorization to the transports of the connections named in {@code xaa4j.servers}. */
    @Bean
    public McpClientCustomizer<HttpClientStreamableHttpTransport.Builder> xaa4jStreamableHttpAuthorization(
            TokenSource tokenSource, XaaMcpClientProperties properties) {
        Set<String> servers = Set.copyOf(properties.getServers());
        return (name, builder) -> {
            if (servers.contains(name)) {
                McpTransports.authorize(builder, tokenSource, name);
            }
        };
    }
}
