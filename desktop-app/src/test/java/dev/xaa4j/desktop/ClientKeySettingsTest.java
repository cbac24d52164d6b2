package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.xaa4j.connector.internal.store.InstallClientKey;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The tray's "Client key" settings without FX: create, show and save public keys only. */
@Timeout(30)
class ClientKeySettingsTest {

    final MemoryCredentialStore store = new MemoryCredentialStore();
    final ClientKeySettings settings = new ClientKeySettings(store);

    @Test
    void noKeyThenCreateShowsTheKidAndThePublicJwksAndSavesItWithoutThePrivatePart(@TempDir Path dir) throws Exception {
        ClientKeySettings.View none = settings.view();
        assertThat(none.hasKey()).isFalse();
        assertThat(none.text()).contains("No client key yet");
        assertThatThrownBy(() -> settings.saveJwks(dir.resolve("x.json"))).hasMessageContaining("create one first");

        ClientKeySettings.View created = settings.create();
        JWK stored = JWK.parse(store.read(InstallClientKey.ENTRY).orElseThrow());
        assertThat(created.kid()).contains(stored.getKeyID());
        assertThat(created.alg()).contains("ES256");
        assertThat(JWKSet.parse(created.jwks()).getKeys()).containsExactly(stored.toPublicJWK());
        assertThat(created.jwks()).doesNotContain("\"d\"");
        assertThat(created.text()).contains("kid " + stored.getKeyID(), "administrator");

        Path file = dir.resolve("jwks.json");
        settings.saveJwks(file);
        assertThat(JWKSet.parse(Files.readString(file)).getKeys()).containsExactly(stored.toPublicJWK());
        assertThat(Files.readString(file)).doesNotContain("\"d\"");
    }

    @Test
    void createKeepsAnExistingKey() {
        String kid = settings.create().kid().orElseThrow();
        assertThat(settings.create().kid()).contains(kid);
    }
}
