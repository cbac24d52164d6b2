package dev.xaa4j.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.TokenSource;
import dev.xaa4j.connector.host.SharedTokenSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.mcp.customizer.McpClientCustomizer;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The auto-configuration is found by Spring Boot and contributes its beans; nothing connects before a request; a
 * name in {@code xaa4j.servers} without a Streamable HTTP connection fails start-up naming the property to set.
 */
@Timeout(60)
class XaaMcpClientAutoConfigurationTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    private static SpringApplicationBuilder app(String... properties) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).logStartupInfo(false)
                .properties("spring.main.banner-mode=off", "spring.ai.mcp.client.toolcallback.enabled=false",
                        "spring.ai.mcp.client.initialized=false")
                .properties(properties);
    }

    @Test
    void withoutATokenSourceOfItsOwnTheApplicationGetsTheCurrentUsersSessionAndTheCustomizer() {
        try (ConfigurableApplicationContext ctx = app("xaa4j.servers=notes,tickets",
                "spring.ai.mcp.client.streamable-http.connections.notes.url=https://notes.example",
                "spring.ai.mcp.client.streamable-http.connections.tickets.url=https://tickets.example").run()) {
            assertThat(ctx.getBean(TokenSource.class)).isInstanceOf(SharedTokenSource.class);
            assertThat(ctx.getBean(XaaMcpClientProperties.class).getServers()).containsExactly("notes", "tickets");
            assertThat(ctx.getBean("xaa4jStreamableHttpAuthorization")).isInstanceOf(McpClientCustomizer.class);
        }
    }

    @Test
    void aNameWithoutAStreamableHttpConnectionFailsStartUpNamingThePropertyToSet() {
        Throwable failed = catchThrowable(() -> app("xaa4j.servers=notes,tickts",
                "spring.ai.mcp.client.streamable-http.connections.notes.url=https://notes.example",
                "spring.ai.mcp.client.streamable-http.connections.tickets.url=https://tickets.example").run().close());

        ConnectorException typed = ConnectorException.in(failed).orElseThrow(() -> new AssertionError("untyped", failed));
        assertThat(typed.kind()).isEqualTo(ConnectorException.Kind.CONFIGURATION);
        assertThat(typed.getMessage()).contains("xaa4j.servers names 'tickts'",
                "spring.ai.mcp.client.streamable-http.connections.tickts.url");
    }
}
