package dev.xaa4j.connector.host.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.dpop.DPoPTesting;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TokenSource.dpopProof} in this process and over a real broker socket (op {@code dpopProof}): proofs from the
 * session owner's key, verifiable with the same thumbprint, with {@code ath} and the nonce given; a Bearer token
 * gets none; no token, proof or key in the log (docs/architecture.md "DPoP").
 */
@Timeout(60)
class BrokerDPoPTest {

    @TempDir
    Path tmp;

    final AtomicInteger fetches = new AtomicInteger();

    Connector connector(String tokenType) {
        TokenFetcher fetcher = (name, extra) -> new TokenFetcher.Fetched(new AccessToken(name, "secret-token-" + fetches.incrementAndGet(),
                tokenType, Instant.now().plusSeconds(300), Set.of()), new TokenKey("https://idp.test", "https://as.test", "https://mcp.test", ""));
        return ConnectorInternals.tokenFetcher(Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.test"), "xaa4j-test", ClientAuthMethod.NONE))
                .server(ServerConfig.of("notes", URI.create("https://mcp.test/mcp"), "xaa4j-agent", ClientAuthMethod.NONE))
                .sessionInMemory(true).clientCredentials(ClientCredentialsSource.none())
                .idTokenSource(() -> "unused").stateDir(tmp.resolve("state")), fetcher).build();
    }

    static String jkt(String proof) throws Exception {
        return SignedJWT.parse(proof).getHeader().getJWK().computeThumbprint().toString();
    }

    @Test
    void theBrokersProofsComeFromTheOwnersKeyWithAthAndNonce() throws Exception {
        Path socket = tmp.resolve("run").resolve("broker.sock");
        URI mcp = URI.create("https://mcp.test/mcp?session=1#x");
        try (DPoPTesting.Stderr log = new DPoPTesting.Stderr();
             Connector owner = connector("DPoP");
             BrokerServer server = BrokerServer.builder(owner).socket(socket).start();
             BrokerTokenSource source = new BrokerTokenSource(BrokerClient.connect(socket, Duration.ofSeconds(2)), Clock.systemUTC())) {
            AccessToken token = source.token("notes");
            assertThat(token.dpopBound()).isTrue();
            String local = owner.dpopProof(token, "POST", mcp, Optional.empty()).orElseThrow();
            String viaBroker = source.dpopProof(token, "POST", mcp, Optional.of("rs-nonce")).orElseThrow();
            String again = source.dpopProof(token, "POST", mcp, Optional.of("rs-nonce")).orElseThrow();

            String ownersKey = jkt(local);
            JWTClaimsSet claims = DPoPTesting.verify(viaBroker, "POST", "https://mcp.test/mcp", ownersKey);
            assertThat(claims.getStringClaim("ath")).isEqualTo(DPoPTesting.ath(token.value()));
            assertThat(claims.getStringClaim("nonce")).isEqualTo("rs-nonce");
            assertThat(DPoPTesting.verify(again, "POST", "https://mcp.test/mcp", ownersKey).getJWTID()).isNotEqualTo(claims.getJWTID());
            assertThat(DPoPTesting.verify(local, "POST", "https://mcp.test/mcp", ownersKey).getClaim("nonce")).isNull();
            assertThat(log.text()).doesNotContain(token.value()).doesNotContain(viaBroker).doesNotContain(local);
        }
    }

    @Test
    void aBearerTokenGetsNoProof() throws Exception {
        Path socket = tmp.resolve("run").resolve("broker.sock");
        try (Connector owner = connector("Bearer");
             BrokerServer server = BrokerServer.builder(owner).socket(socket).start();
             BrokerTokenSource source = new BrokerTokenSource(BrokerClient.connect(socket, Duration.ofSeconds(2)), Clock.systemUTC())) {
            AccessToken token = source.token("notes");
            assertThat(source.dpopProof(token, "POST", URI.create("https://mcp.test/mcp"), Optional.empty())).isEmpty();
            assertThat(owner.dpopProof(token, "POST", URI.create("https://mcp.test/mcp"), Optional.empty())).isEmpty();
        }
    }
}
