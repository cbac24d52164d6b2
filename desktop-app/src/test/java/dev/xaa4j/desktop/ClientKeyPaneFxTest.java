package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.internal.store.InstallClientKey;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.TextArea;
import javafx.scene.layout.HBox;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** "Client key…" in the settings, clicked like a person would (TestFX on headless Monocle), over a memory store. */
@Tag("slow")
@Timeout(120)
class ClientKeyPaneFxTest {

    final FxRobot robot = new FxRobot();
    final MemoryCredentialStore store = new MemoryCredentialStore();

    @BeforeAll
    static void registerStage() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupStages();
    }

    <T> T onFx(java.util.concurrent.Callable<T> read) throws Exception {
        return WaitForAsyncUtils.asyncFx(read).get(10, TimeUnit.SECONDS);
    }

    @Test
    void createKeyShowsThePublicJwksAndEnablesCopyAndSave() throws Exception {
        FxToolkit.setupStage(s -> {
            s.setScene(new Scene(new HBox(ClientKeyPane.button(new ClientKeySettings(store))), 300, 100));
            s.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn("#clientKey");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            WaitForAsyncUtils.waitForFxEvents();
            return robot.lookup("#clientKeyCreate").tryQuery().isPresent();
        });
        assertThat(onFx(() -> robot.lookup("#clientKeyCopy").queryAs(Button.class).isDisabled())).isTrue();

        robot.clickOn("#clientKeyCreate");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            WaitForAsyncUtils.waitForFxEvents();
            return !robot.lookup("#clientKeyJwks").queryAs(TextArea.class).getText().isEmpty();
        });
        String kid = new InstallClientKey(store).publicKey().orElseThrow().getKeyID();
        String jwks = onFx(() -> robot.lookup("#clientKeyJwks").queryAs(TextArea.class).getText());
        assertThat(jwks).contains(kid, "\"keys\"").doesNotContain("\"d\"");
        assertThat(onFx(() -> robot.lookup("#clientKeyCreate").queryAs(Button.class).isDisabled())).isTrue();
        assertThat(onFx(() -> robot.lookup("#clientKeyCopy").queryAs(Button.class).isDisabled())).isFalse();
        assertThat(onFx(() -> robot.lookup("#clientKeySave").queryAs(Button.class).isDisabled())).isFalse();
    }
}
