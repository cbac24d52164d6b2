package dev.xaa4j.connector.internal.dpop;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.internal.store.CredentialStore;
import dev.xaa4j.connector.internal.store.KeyringCredentialStore;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-install DPoP key in the real OS keyring (run inside {@code .ci/with-keyring}): created on the first proof,
 * kept only in the keyring row {@value DPoPKey#STORE_KEY}, and the same key (same {@code jkt}) for a second connector
 * on that keyring; a connector keeping its session in memory has its own key and writes nothing. The private part
 * never reaches the log.
 */
@Timeout(60)
class DPoPKeyKeyringTest {

    private final String service = "xaa4j-test-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    private final KeyringCredentialStore keyring = new KeyringCredentialStore(service);

    @TempDir
    Path state;

    @AfterEach
    void forget() {
        keyring.delete(DPoPKey.STORE_KEY);
    }

    Connector connector(CredentialStore store) {
        TokenFetcher fetcher = (name, extra) -> new TokenFetcher.Fetched(new AccessToken(name, "t", "DPoP",
                Instant.now().plusSeconds(300), Set.of()), new TokenKey("https://idp.test", "https://as.test", "https://mcp.test", ""));
        Connector.Builder b = Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.test"), "xaa4j-test", ClientAuthMethod.NONE))
                .server(ServerConfig.of("notes", URI.create("https://mcp.test/mcp"), "xaa4j-agent", ClientAuthMethod.NONE))
                .clientCredentials(ClientCredentialsSource.none()).idTokenSource(() -> "unused").stateDir(state);
        if (store == null) {
            b.sessionInMemory(true);
        } else {
            ConnectorInternals.credentialStore(b, store);
        }
        return ConnectorInternals.tokenFetcher(b, fetcher).build();
    }

    static String jkt(Connector c) throws Exception {
        String proof = c.dpopProof(c.token("notes"), "POST", URI.create("https://mcp.test/mcp"), Optional.empty()).orElseThrow();
        return SignedJWT.parse(proof).getHeader().getJWK().computeThumbprint().toString();
    }

    @Test
    void twoConnectorsOnOneKeyringUseTheSameKeyAndAnInMemoryOneItsOwn() throws Exception {
        assertThat(keyring.read(DPoPKey.STORE_KEY)).isEmpty();
        String first;
        String second;
        String inMemory;
        try (DPoPTesting.Stderr log = new DPoPTesting.Stderr()) {
            try (Connector a = connector(keyring)) {
                assertThat(keyring.read(DPoPKey.STORE_KEY)).as("made on first need, not at build").isEmpty();
                first = jkt(a);
            }
            try (Connector b = connector(new KeyringCredentialStore(service))) {
                second = jkt(b);
            }
            try (Connector m = connector(null)) {
                inMemory = jkt(m);
            }
            assertThat(log.text()).doesNotContain(DPoPTesting.privatePart(keyring));
        }
        assertThat(second).isEqualTo(first);
        assertThat(inMemory).isNotEqualTo(first);
        assertThat(DPoPKey.loadOrCreate(keyring).thumbprint()).isEqualTo(first);
        assertThat(DPoPKey.loadOrCreate(keyring).toString()).doesNotContain(DPoPTesting.privatePart(keyring));
    }
}
