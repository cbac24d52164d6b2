package dev.xaa4j.connector;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.id.Issuer;
import dev.xaa4j.connector.internal.discovery.ServerMetadata;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Discovery's record of the resource metadata it used, for every {@link ServerMetadata.Source}. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ServerTableTest {

    private static final URI URL = URI.create("https://mcp.example.com/mcp");
    private static final URI PRM = URI.create("https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
    private static final URI OTHER_PRM = URI.create("https://other.example.com/prm");

    private final ServerConfig config = ServerConfig.of("notes", URL, "client", ClientAuthMethod.NONE);
    private final ServerTable table = new ServerTable(Map.of("notes", config));

    @ParameterizedTest
    @EnumSource(value = ServerMetadata.Source.class, names = {"LEGACY_METADATA", "LEGACY_DEFAULTS"})
    void a20250326ServerWithoutResourceMetadataIsRecordedAndAnyChallengedMetadataIsNew(ServerMetadata.Source source) {
        table.discovered(config, metadata(PRM, ServerMetadata.Source.PRM));
        ServerMetadata legacy = metadata(null, source);

        assertThat(table.discovered(config, legacy)).isSameAs(legacy); // conformance auth/2025-03-26-*: threw an NPE
        assertThat(table.staleDiscovery("notes", Optional.of(PRM))).as("the PRM used before is forgotten").isEmpty();
        assertThat(table.staleDiscovery("notes", Optional.empty())).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = ServerMetadata.Source.class, names = "PRM")
    void aChallengeNamingOtherResourceMetadataMakesDiscoveryStale(ServerMetadata.Source source) {
        table.discovered(config, metadata(PRM, source));

        assertThat(table.staleDiscovery("notes", Optional.of(OTHER_PRM))).contains(URL);
        assertThat(table.staleDiscovery("notes", Optional.of(PRM))).isEmpty();
    }

    private static ServerMetadata metadata(URI resourceMetadataUrl, ServerMetadata.Source source) {
        AuthorizationServerMetadata as = new AuthorizationServerMetadata(new Issuer("https://mcp.example.com"));
        as.setTokenEndpointURI(URI.create("https://mcp.example.com/token"));
        return new ServerMetadata(URL, URL.toString(), as, List.of(), Optional.empty(), resourceMetadataUrl, source);
    }
}
