package dev.xaa4j.connector.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.mcp.McpTransports;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

/**
 * The client the MCP conformance suite launches for {@code auth/cross-app-access-complete-flow}
 * ({@code connector-core/conformance/run.sh}): {@code ConformanceClient <mcp server url>} with the suite's
 * context in {@code MCP_CONFORMANCE_CONTEXT} ({@code idp_id_token}, {@code idp_issuer},
 * {@code idp_token_endpoint}, {@code idp_client_id}, {@code client_id}, {@code client_secret}).
 *
 * <p>The ID token comes from the caller (the connector's {@code IdTokenSource} seam), everything else is the
 * connector's normal path: discovery from the MCP URL alone (docs/protocol.md §6), token exchange with audience =
 * AS issuer and resource = PRM resource (§1 step 2), jwt-bearer with client_secret_basic (§1 step 3), then an
 * MCP session through the SDK adapter with the access token on every request (§1 step 4).
 */
public final class ConformanceClient {

    private ConformanceClient() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: ConformanceClient <mcp server url>   (context in MCP_CONFORMANCE_CONTEXT)");
            System.exit(2);
        }
        String context = System.getenv("MCP_CONFORMANCE_CONTEXT");
        if (context == null || context.isBlank()) {
            System.err.println("ConformanceClient: MCP_CONFORMANCE_CONTEXT is not set");
            System.exit(2);
        }
        JsonNode ctx = new ObjectMapper().readTree(context);
        URI serverUrl = URI.create(args[0]);
        String idToken = ctx.path("idp_id_token").asText();

        try (Connector connector = Connector.builder()
                .idp(new IdpConfig(URI.create(ctx.path("idp_issuer").asText()), ctx.path("idp_client_id").asText(),
                        ClientAuthMethod.NONE))
                .idpTokenEndpoint(URI.create(ctx.path("idp_token_endpoint").asText()))
                .idTokenSource(() -> idToken)
                .server(ServerConfig.of("conformance", serverUrl, ctx.path("client_id").asText(),
                        ClientAuthMethod.CLIENT_SECRET_BASIC).withAuth(dev.xaa4j.connector.AuthMode.EMA)) // mock lists no profile
                .clientCredentials(ClientCredentialsSource.ofSecrets(
                        Map.of(ctx.path("client_id").asText(), ctx.path("client_secret").asText())))
                .sessionInMemory(true)
                .stateDir(Files.createTempDirectory("xaa4j-conformance-"))
                .build();
             McpSyncClient mcp = McpClient.sync(McpTransports.streamableHttp(connector, "conformance"))
                     .requestTimeout(Duration.ofSeconds(20))
                     .clientInfo(new McpSchema.Implementation("xaa4j-conformance-client", "0.1")).build()) {
            mcp.initialize();
            McpSchema.ListToolsResult tools = mcp.listTools();
            System.err.println("ConformanceClient: connected, " + tools.tools().size() + " tool(s) listed");
        }
    }
}
