package dev.xaa4j.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.FrameworkClientContract;
import dev.xaa4j.connector.TokenSource;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring AI's own MCP client (its Streamable HTTP auto-configuration; nothing of ours but {@code xaa4j.servers} and
 * the auto-configuration) through {@link FrameworkClientContract}: the application is the few properties a user
 * writes, its token source the test's signed-in connector.
 */
class SpringAiMcpClientTest extends FrameworkClientContract {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @Override
    @SuppressWarnings("unchecked")
    protected FrameworkClient open(TokenSource tokens, URI notes) {
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class)
                .web(WebApplicationType.NONE)
                .logStartupInfo(false)
                .initializers(c -> c.getBeanFactory().registerSingleton("tokens", tokens))
                .properties(
                        "spring.main.banner-mode=off",
                        "xaa4j.servers=notes",
                        "spring.ai.mcp.client.request-timeout=20s",
                        "spring.ai.mcp.client.toolcallback.enabled=false",
                        "spring.ai.mcp.client.streamable-http.connections.notes.url=" + notes.getScheme() + "://" + notes.getRawAuthority(),
                        "spring.ai.mcp.client.streamable-http.connections.notes.endpoint=" + notes.getRawPath())
                .run();
        List<McpSyncClient> clients = ctx.getBean("mcpSyncClients", List.class);
        assertThat(clients).hasSize(1);
        McpSyncClient client = clients.get(0);
        return new FrameworkClient() {
            @Override
            public List<String> toolNames() {
                return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            }

            @Override
            public String call(String tool, Map<String, Object> arguments) {
                McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(arguments).build());
                assertThat(result.isError()).isNotEqualTo(Boolean.TRUE);
                return ((McpSchema.TextContent) result.content().get(0)).text();
            }

            @Override
            public void close() {
                ctx.close();
            }
        };
    }
}
