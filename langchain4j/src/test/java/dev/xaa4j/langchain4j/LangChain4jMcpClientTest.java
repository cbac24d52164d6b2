package dev.xaa4j.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.xaa4j.connector.FrameworkClientContract;
import dev.xaa4j.connector.TokenSource;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * LangChain4j's own MCP client ({@code DefaultMcpClient}) over {@link AuthorizedMcpTransport}, made by
 * {@link XaaMcp#client(TokenSource, String, java.net.URI)}, through {@link FrameworkClientContract}.
 */
class LangChain4jMcpClientTest extends FrameworkClientContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected FrameworkClient open(TokenSource tokens, URI url) {
        McpClient client = XaaMcp.client(tokens, "notes", url);
        return new FrameworkClient() {
            @Override
            public List<String> toolNames() {
                return client.listTools().stream().map(ToolSpecification::name).toList();
            }

            @Override
            public String call(String tool, Map<String, Object> arguments) throws Exception {
                ToolExecutionResult result = client.executeTool(ToolExecutionRequest.builder()
                        .id(tool + "-1").name(tool).arguments(JSON.writeValueAsString(arguments)).build());
                assertThat(result.isError()).as(result.resultText()).isFalse();
                return result.resultText();
            }

            @Override
            public void close() throws Exception {
                client.close();
            }
        };
    }
}
