package dev.xaa4j.connector.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-install {@code private_key_jwt} key in the real OS keyring (run inside {@code .ci/with-keyring}). */
@Timeout(30)
class InstallClientKeyTest {

    private final String service = "xaa4j-test-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
    private final KeyringCredentialStore store = new KeyringCredentialStore(service);
    private final InstallClientKey keys = new InstallClientKey(store);

    @AfterEach
    void tearDown() {
        keys.delete();
        store.delete("client-key|https://idp.test|own-client");
    }

    @Test
    void createsAnEcP256KeyWhosePrivatePartStaysInTheKeyringAndWhoseKidIsItsThumbprint() throws Exception {
        JWK pub = keys.create(InstallClientKey.Alg.ES256, false);

        assertThat(pub).isInstanceOf(ECKey.class);
        assertThat(pub.isPrivate()).isFalse();
        assertThat(pub.getKeyID()).isEqualTo(pub.computeThumbprint().toString());
        assertThat(pub.getAlgorithm().getName()).isEqualTo("ES256");
        JWK stored = JWK.parse(store.read(InstallClientKey.ENTRY).orElseThrow());
        assertThat(stored.isPrivate()).isTrue();
        assertThat(stored.toPublicJWK()).isEqualTo(pub);
        assertThat(keys.jwks().toString()).doesNotContain("\"d\"").contains(pub.getKeyID());
    }

    @Test
    void rs256OnRequest() {
        JWK pub = keys.create(InstallClientKey.Alg.of("rs256"), false);
        assertThat(pub).isInstanceOf(RSAKey.class);
        assertThat(((RSAKey) pub).size()).isEqualTo(2048);
        assertThatThrownBy(() -> InstallClientKey.Alg.of("HS256")).hasMessageContaining("ES256 (default) or RS256");
    }

    @Test
    void refusesToOverwriteWithoutRotateAndRotationKeepsTheOldPublicKeyListedUntilDropped() {
        JWK first = keys.create(InstallClientKey.Alg.ES256, false);
        assertThatThrownBy(() -> keys.create(InstallClientKey.Alg.ES256, false))
                .isInstanceOf(InstallClientKey.KeyExistsException.class).hasMessageContaining("--rotate");
        assertThat(keys.publicKey()).contains(first);

        JWK second = keys.create(InstallClientKey.Alg.ES256, true);
        assertThat(second.getKeyID()).isNotEqualTo(first.getKeyID());
        assertThat(keys.jwks().getKeys()).containsExactly(second, first);
        assertThat(store.read(InstallClientKey.RETIRED_ENTRY).orElseThrow()).doesNotContain("\"d\"");

        keys.dropRetired();
        assertThat(keys.jwks().getKeys()).containsExactly(second);
        assertThat(keys.delete()).isTrue();
        assertThat(keys.publicKey()).isEmpty();
        assertThat(keys.delete()).isFalse();
    }

    @Test
    void keyringCredentialsUseTheInstallKeyOnlyForClientsWithoutAKeyOfTheirOwn() {
        KeyringClientCredentials credentials = new KeyringClientCredentials(store);
        assertThat(credentials.signingKey("https://idp.test", "own-client")).isEmpty();

        keys.create(InstallClientKey.Alg.ES256, false);
        String install = store.read(InstallClientKey.ENTRY).orElseThrow();
        assertThat(credentials.signingKey("https://idp.test", "any-client")).contains(install);
        store.write("client-key|https://idp.test|own-client", "{\"own\":true}");
        assertThat(credentials.signingKey("https://idp.test", "own-client")).contains("{\"own\":true}");
        assertThat(credentials.clientSecret("https://idp.test", "any-client")).isEmpty();
        // a pre-registered plain-OAuth client's stored secret outranks the install key (ClientIdentification)
        assertThat(KeyringClientCredentials.isInstallKey(credentials, install)).isTrue();
        assertThat(KeyringClientCredentials.isInstallKey(credentials, "{\"own\":true}")).isFalse();
    }
}
