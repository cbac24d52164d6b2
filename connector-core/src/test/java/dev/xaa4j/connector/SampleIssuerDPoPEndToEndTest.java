package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.connector.internal.dpop.DPoPKey;
import dev.xaa4j.connector.internal.dpop.DPoPTesting;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.mcp.McpTransports;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * DPoP end to end against the sample issuer over real HTTP (docs/architecture.md "DPoP"): the sample IdP and AS
 * advertise ES256, so the exchange binds the ID-JAG to the per-install key ({@code cnf.jkt}), the jwt-bearer request
 * carries a proof from it, and the MCP server takes the token only with the {@code DPoP} scheme and a fresh proof —
 * with the server nonces of the IdP, the AS and the MCP server switched on. No key, token or proof in the log.
 */
@Tag("slow")
@Timeout(120)
class SampleIssuerDPoPEndToEndTest extends SampleIssuerConnectors {

    static final ObjectMapper JSON = new ObjectMapper();

    @AfterEach
    void nonceOff() throws Exception {
        issuer.dpopModes().set(JSON.readTree("{\"reset\":true}"));
    }

    @Test
    void anMcpClientGetsADPoPBoundTokenThroughABoundIdJagWithNoncesEverywhere() throws Exception {
        issuer.dpopModes().set(JSON.readTree("{\"idpNonce\":true,\"asNonce\":true,\"rsNonce\":true}"));
        MemoryCredentialStore store = new MemoryCredentialStore();
        try (DPoPTesting.Stderr log = new DPoPTesting.Stderr();
             Connector connector = SampleIssuerFixture.withTestBrowser(issuerConnector(store), tmp, "alice").build()) {
            connector.signIn().get(90, TimeUnit.SECONDS);
            String whoami;
            try (McpSyncClient client = McpClient.sync(McpTransports.streamableHttp(connector, "notes"))
                    .requestTimeout(Duration.ofSeconds(20)).build()) {
                client.initialize();
                whoami = ((McpSchema.TextContent) client.callTool(new McpSchema.CallToolRequest("whoami", Map.of()))
                        .content().get(0)).text();
            }
            assertThat(whoami).contains("\"sub\":\"alice\"");
            AccessToken token = connector.cachedToken("notes").orElseThrow();
            assertThat(token.dpopBound()).isTrue();
            String jkt = DPoPKey.loadOrCreate(store).thumbprint();
            Object cnf = SignedJWT.parse(token.value()).getJWTClaimsSet().getClaim("cnf");
            assertThat(cnf).isInstanceOf(Map.class);
            assertThat(((Map<?, ?>) cnf).get("jkt")).isEqualTo(jkt);
            String proof = connector.dpopProof(token, "POST", URI.create("https://x.test/"), Optional.empty()).orElseThrow();
            String text = log.text();
            assertThat(text).doesNotContain(token.value()).doesNotContain(proof).doesNotContain(DPoPTesting.privatePart(store));
            String audit = Files.readString(issuer.auditFile());
            assertThat(audit).contains(jkt).doesNotContain(token.value());
        }
    }
}
