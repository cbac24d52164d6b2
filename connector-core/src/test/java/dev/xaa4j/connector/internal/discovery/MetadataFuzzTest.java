package dev.xaa4j.connector.internal.discovery;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.fuzz.FuzzInput;
import dev.xaa4j.connector.fuzz.LoopbackStub;
import dev.xaa4j.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the metadata documents discovery reads (RFC 9728 protected resource metadata, RFC 8414 / OIDC
 * Discovery authorization server metadata) and the 401 challenge that points to them, served by a loopback
 * stub and read through {@link Discovery}'s own HTTP client. Input: {@code PRM NUL AS-metadata NUL
 * WWW-Authenticate NUL OIDC-metadata}, where {@code $BASE} stands for the stub's {@code http://127.0.0.1:port}.
 * Property: metadata or a {@link ConnectorException} ({@code DiscoveryException}, {@code
 * UpstreamUnavailableException}), never another exception.
 */
@Tag("fuzz")
class MetadataFuzzTest {

    @AutoClose // after the class
    static final LoopbackStub STUB = new LoopbackStub();
    static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-11-22T00:00:00Z"));

    @FuzzTest(maxDuration = "30s")
    @Timeout(30)
    void anyMetadataIsAcceptedOrRefusedWithATypedFailure(byte[] data) {
        FuzzInput.allowLoopbackConnectionsOnly();
        String challenge = part(data, 2);
        STUB.answer("/mcp", new LoopbackStub.Answer(401, Map.of("WWW-Authenticate", List.of(challenge.isEmpty()
                ? "Bearer resource_metadata=\"" + STUB.base() + "/prm\"" : challenge)), ""));
        STUB.answer("/prm", LoopbackStub.Answer.json(200, part(data, 0)));
        STUB.answer("/.well-known/oauth-authorization-server/as", LoopbackStub.Answer.json(200, part(data, 1)));
        STUB.answer("/idp/.well-known/openid-configuration", LoopbackStub.Answer.json(200, part(data, 3)));
        Discovery discovery = new Discovery(CLOCK, Duration.ZERO, Duration.ofSeconds(5));
        try {
            discovery.server(STUB.url("/mcp"));
        } catch (ConnectorException expected) {
            // a typed refusal is a correct answer to a bad document
        }
        try {
            discovery.idp(STUB.url("/idp"));
        } catch (ConnectorException expected) {
            // as above
        }
    }

    @Test
    @Timeout(30)
    void anAuthorizationServerWithAnImpossiblePortIsRefusedAsBadMetadata() {
        STUB.answer("/mcp", new LoopbackStub.Answer(401, Map.of("WWW-Authenticate",
                List.of("Bearer resource_metadata=\"" + STUB.base() + "/prm\"")), ""));
        STUB.answer("/prm", LoopbackStub.Answer.json(200, "{\"resource\":\"" + STUB.base() + "/mcp\","
                + "\"authorization_servers\":[\"http://localhost:99999/as\"]}"));
        assertThatThrownBy(() -> new Discovery(CLOCK, Duration.ZERO, Duration.ofSeconds(5)).server(STUB.url("/mcp")))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageContaining("invalid port");
    }

    @Test
    @Timeout(30)
    void aChallengeTheHttpClientCannotSplitIsAnUnavailableServer() {
        STUB.answer("/mcp", new LoopbackStub.Answer(401, Map.of("WWW-Authenticate",
                List.of("Bearer0scope=\"a b\", resource_metadata=\"" + STUB.base() + "/prm\"")), ""));
        assertThatThrownBy(() -> new Discovery(CLOCK, Duration.ZERO, Duration.ofSeconds(5)).server(STUB.url("/mcp")))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.UPSTREAM_UNAVAILABLE)
                .hasMessageContaining("unreadable HTTP response");
    }

    @Test
    @Timeout(30)
    void metadataWithAnEmptyIssuerIsRefusedAsBadMetadataNotAnUncheckedException() {
        // found by .ci/fuzz: Nimbus throws IllegalArgumentException (not ParseException) for an empty issuer
        STUB.answer("/idp/.well-known/openid-configuration", LoopbackStub.Answer.json(200, "{\"issuer\":\"\","
                + "\"authorization_endpoint\":\"" + STUB.base() + "/idp/authorize\",\"token_endpoint\":\""
                + STUB.base() + "/idp/token\",\"jwks_uri\":\"" + STUB.base() + "/idp/jwks\","
                + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}"));
        assertThatThrownBy(() -> new Discovery(CLOCK, Duration.ZERO, Duration.ofSeconds(5)).idp(STUB.url("/idp")))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageContaining("is invalid");

        STUB.answer("/mcp", new LoopbackStub.Answer(401, Map.of("WWW-Authenticate",
                List.of("Bearer resource_metadata=\"" + STUB.base() + "/prm\"")), ""));
        STUB.answer("/prm", LoopbackStub.Answer.json(200, "{\"resource\":\"" + STUB.base() + "/mcp\","
                + "\"authorization_servers\":[\"" + STUB.base() + "/as\"]}"));
        STUB.answer("/.well-known/oauth-authorization-server/as", LoopbackStub.Answer.json(200,
                "{\"issuer\":\"\",\"token_endpoint\":\"" + STUB.base() + "/as/token\"}"));
        assertThatThrownBy(() -> new Discovery(CLOCK, Duration.ZERO, Duration.ofSeconds(5)).server(STUB.url("/mcp")))
                .isInstanceOf(ConnectorException.class).hasFieldOrPropertyWithValue("kind", ConnectorException.Kind.CONFIGURATION).hasMessageContaining("is invalid");
    }

    private static String part(byte[] data, int i) {
        return FuzzInput.part(data, i).replace("$BASE", STUB.base());
    }
}
