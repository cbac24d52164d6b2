package dev.xaa4j.springai;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The auto-configuration is found by Spring Boot and contributes its beans; nothing connects before a request. */
@Timeout(60)
class XaaMcpClientAutoConfigurationTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    @Test
    void withoutATokenSourceOfItsOwnTheApplicationGetsTheCurrentUsersSessionAndTheCustomizer() {
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .logStartupInfo(false).properties("spring.main.banner-mode=off", "xaa4j.servers=notes,tickets",
                        "spring.ai.mcp.client.toolcallback.enabled=false").run()) {
            assertThat(ctx.getBean(TokenSource.class)).isInstanceOf(SharedTokenSource.class);
            assertThat(ctx.getBean(XaaMcpClientProperties.class).getServers()).containsExactly("notes", "tickets");
            assertThat(ctx.getBean("xaa4jStreamableHttpAuthorization")).isInstanceOf(McpClientCustomizer.class);
        }
    }
}
