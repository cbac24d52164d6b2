package dev.xaa4j.connector.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The top-level {@code "sessionStorage"} setting: keyring by default, memory on request, env override, bad values named. */
@Timeout(30)
class SessionStorageConfigTest {

    @TempDir
    Path dir;

    @Test
    void theSessionLivesInTheKeyringUnlessTheFileOrTheEnvironmentSaysMemory() throws Exception {
        Path file = dir.resolve("config.json");
        ConfigStore store = dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of());
        assertThat(store.load().sessionStorage()).isEqualTo(SessionStorage.KEYRING);

        store.putIdp(new IdpSettings("https://idp.example", "xaa", "none"));
        store.putSessionStorage(SessionStorage.MEMORY);
        assertThat(Files.readString(file)).contains("\"sessionStorage\" : \"memory\"").contains("\"issuer\"");
        assertThat(store.load().sessionStorage()).isEqualTo(SessionStorage.MEMORY);
        assertThat(store.load().idp().issuer()).as("other keys survive").isEqualTo("https://idp.example");
        assertThat(dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of("XAA_SESSION_STORAGE", "keyring")).load().sessionStorage())
                .isEqualTo(SessionStorage.KEYRING);

        store.putSessionStorage(SessionStorage.KEYRING);
        assertThat(Files.readString(file)).as("the default is not written").doesNotContain("sessionStorage");
        assertThat(dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of("XAA_SESSION_STORAGE", "MEMORY")).load().sessionStorage())
                .isEqualTo(SessionStorage.MEMORY);
    }

    @Test
    void anUnknownStorageIsRefusedWithTheAcceptedValues() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"sessionStorage\": \"plaintext-file\"}");
        assertThatThrownBy(() -> dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of()).load())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plaintext-file").hasMessageContaining("keyring or memory");
    }
}
