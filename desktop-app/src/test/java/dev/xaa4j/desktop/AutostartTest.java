package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Start at login" (off until asked) and the tray's AI-client entries: the autostart entry runs this
 * installation's tray launcher, and a command in a build directory comes with the warning.
 */
class AutostartTest {

    @TempDir
    Path dir;

    @Test
    void offByDefaultOnWritesAnXdgAutostartEntryForTheLauncherOffRemovesIt() throws Exception {
        Autostart autostart = Autostart.of(Map.of("XDG_CONFIG_HOME", dir.resolve("cfg").toString()), "Linux", dir);
        assertThat(autostart.entry()).isEqualTo(dir.resolve("cfg/autostart/xaa4j-tray.desktop"));
        assertThat(autostart.enabled()).isFalse();

        autostart.enable(Path.of("/opt/xaa4j/bin/xaa-tray"));
        assertThat(autostart.enabled()).isTrue();
        assertThat(Files.readString(autostart.entry())).startsWith("[Desktop Entry]\n")
                .contains("Type=Application\n", "Exec=\"/opt/xaa4j/bin/xaa-tray\"\n", "Terminal=false\n");
        assertThat(Files.list(autostart.entry().getParent())).as("no temporary file left").hasSize(1);

        autostart.disable();
        assertThat(autostart.enabled()).isFalse();
        autostart.disable(); // nothing to remove: still fine
    }

    @Test
    void withoutXdgConfigHomeTheEntryIsUnderDotConfigAndExecIsQuotedAsTheSpecificationAsks() {
        assertThat(Autostart.of(Map.of(), "Linux", dir).entry()).isEqualTo(dir.resolve(".config/autostart/xaa4j-tray.desktop"));
        assertThat(Autostart.content(Path.of("/home/a b/$x/xaa-tray"))).contains("Exec=\"/home/a b/\\\\$x/xaa-tray\"\n");
    }

    @Test
    void theCommandLineSwitchRefusesAnUnknownChoiceAndOnWithoutALauncher() {
        Autostart autostart = new Autostart(dir.resolve("autostart/xaa4j-tray.desktop"));
        assertThat(DesktopLauncher.autostart("yes", "/opt/xaa4j/bin/xaa-tray", autostart)).isEqualTo(2);
        assertThat(DesktopLauncher.autostart("on", null, autostart)).isEqualTo(2);
        assertThat(autostart.enabled()).isFalse();
        assertThat(DesktopLauncher.autostart("on", "/opt/xaa4j/bin/xaa-tray", autostart)).isZero();
        assertThat(autostart.enabled()).isTrue();
        assertThat(DesktopLauncher.autostart("off", null, autostart)).isZero();
        assertThat(autostart.enabled()).isFalse();
    }

    @Test
    void aiClientEntriesWarnWhenTheirCommandIsInABuildDirectoryOnly() throws Exception {
        Files.writeString(Files.createDirectories(dir.resolve("xaa4j/vscode-bridge")).resolve("pom.xml"), "<project/>");
        Path built = Files.writeString(Files.createDirectories(dir.resolve("xaa4j/vscode-bridge/target")).resolve("xaa"), "");
        Path installed = Files.writeString(Files.createDirectories(dir.resolve("opt/xaa4j/bin")).resolve("xaa"), "");

        assertThat(new AiClients(built.toString(), List.of(), Map.of(), dir).buildDirectoryWarning().orElseThrow())
                .contains(built + " is in the build directory");
        assertThat(new AiClients(installed.toString(), List.of(), Map.of(), dir).buildDirectoryWarning()).isEmpty();
        Path classes = Files.createDirectories(dir.resolve("xaa4j/vscode-bridge/target/classes"));
        assertThat(new AiClients("/usr/bin/java", AiClients.fallbackArgs(classes + java.io.File.pathSeparator + installed), Map.of(), dir)
                .buildDirectoryWarning()).as("the fallback's class path").isPresent();
    }
}
