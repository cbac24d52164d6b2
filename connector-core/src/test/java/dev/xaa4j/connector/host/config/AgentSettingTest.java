package dev.xaa4j.connector.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The top-level {@code "agent"} switch (docs/admin.md): on by default, {@code false} from the user's file or the
 * policy, and a policy that locks it refuses the user's write with "managed by your organization".
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AgentSettingTest {

    @TempDir
    Path dir;

    private ConfigStore store() {
        return new ConfigStore(dir.resolve("config.json"), Map.of("XAA_POLICY", dir.resolve("policy.json").toString()));
    }

    @Test
    void onByDefaultAndTheUsersWriteTurnsItOffAndOnAgain() throws Exception {
        ConfigStore store = store();
        assertThat(store.load().agent()).isTrue();
        assertThat(store.effective().sources()).containsEntry("agent", SettingSource.DEFAULT);
        store.putAgent(false);
        assertThat(store.load().agent()).isFalse();
        assertThat(Files.readString(store.file())).contains("\"agent\" : false");
        assertThat(store.effective().sources()).containsEntry("agent", SettingSource.USER);
        store.putAgent(true);
        assertThat(store.load().agent()).isTrue();
        assertThat(Files.readString(store.file())).contains("\"agent\" : true");
    }

    @Test
    void aBadValueIsNamed() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"agent\": \"no\"}");
        assertThatThrownBy(() -> store().load()).hasMessageContaining("\"agent\" must be true or false");
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("policy.json"), "{\"agent\": 0}");
        assertThatThrownBy(() -> store().load()).hasMessageContaining("\"agent\" must be true or false");
    }

    @Test
    void aPolicyThatLocksItOffWinsAndRefusesTheWrite() throws Exception {
        Files.writeString(dir.resolve("policy.json"), "{\"agent\": false, \"locked\": [\"agent\"]}");
        Files.writeString(dir.resolve("config.json"), "{\"agent\": true}");
        EffectiveConfig e = store().effective();
        assertThat(e.config().agent()).isFalse();
        assertThat(e.sources()).containsEntry("agent", SettingSource.POLICY);
        assertThat(e.isLocked("agent")).isTrue();
        assertThat(e.warnings()).anyMatch(w -> w.contains("agent is ignored: managed by your organization"));
        String before = Files.readString(dir.resolve("config.json"));
        assertThatThrownBy(() -> store().putAgent(true)).isInstanceOf(ManagedSettingException.class)
                .hasMessageContaining("managed by your organization").hasMessageContaining("policy.json");
        assertThat(Files.readString(dir.resolve("config.json"))).as("nothing written").isEqualTo(before);
    }

    @Test
    void anUnlockedPolicyValueIsADefaultTheUserMayChange() throws Exception {
        Files.writeString(dir.resolve("policy.json"), "{\"agent\": false}");
        assertThat(store().load().agent()).isFalse();
        assertThat(store().effective().sources()).containsEntry("agent", SettingSource.POLICY);
        store().putAgent(true);
        assertThat(store().load().agent()).as("the user's value wins over the policy's default").isTrue();
        assertThat(store().effective().sources()).containsEntry("agent", SettingSource.USER);
    }
}
