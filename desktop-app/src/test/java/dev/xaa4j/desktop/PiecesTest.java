package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xaa4j.connector.ConnectorException;
import dev.xaa4j.connector.ServerState;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small pure parts: wording, names from URLs, settings, AI-client entries, the display check. */
class PiecesTest {

    @TempDir
    Path dir;

    @Test
    void statesReadInPlainLanguage() {
        assertThat(PlainLanguage.state(ServerState.READY, Optional.empty(), false)).isEqualTo("Working");
        assertThat(PlainLanguage.state(ServerState.DENIED, Optional.of(ConnectorException.Kind.SERVER_NOT_ENABLED), true))
                .isEqualTo("Not enabled for you");
        assertThat(PlainLanguage.state(ServerState.DENIED, Optional.of(ConnectorException.Kind.ACCESS_DENIED), true)).isEqualTo("Access revoked");
        assertThat(PlainLanguage.state(ServerState.DENIED, Optional.of(ConnectorException.Kind.ACCESS_DENIED), false)).isEqualTo("No access");
        assertThat(PlainLanguage.state(ServerState.SIGN_IN_REQUIRED, Optional.empty(), false)).isEqualTo("Sign-in needed");
        assertThat(PlainLanguage.serverProblem("notes", ServerState.READY, Optional.empty(), true)).isEmpty();
        assertThat(PlainLanguage.serverProblem("notes", ServerState.FAILED, Optional.empty(), true).orElseThrow().next())
                .contains("network or VPN");
    }

    @Test
    void failuresSayWhatHappenedAndWhatToDoNext() {
        assertThat(PlainLanguage.failure(new CompletionException(new ConnectorException(ConnectorException.Kind.UPSTREAM_UNAVAILABLE, "503")), "idp.example").text())
                .isEqualTo("Cannot reach your sign-in service (idp.example). Check your network or VPN connection, then try again.");
        assertThat(PlainLanguage.failure(new ConnectorException(ConnectorException.Kind.SERVER_NOT_ENABLED,"tickets", "x", null, null), null).text())
                .isEqualTo("Your administrator has not enabled \"tickets\" for you. Ask your IT administrator to enable it.");
        assertThat(PlainLanguage.failure(new ConnectorException(ConnectorException.Kind.ACCESS_DENIED,"notes", "x", null, null), null).what()).contains("refused or revoked");
        assertThat(PlainLanguage.failure(new CancellationException(), null).what()).isEqualTo("Sign-in was cancelled.");
        assertThat(PlainLanguage.failure(new java.net.ConnectException("refused"), "h").what()).startsWith("Cannot reach");
    }

    @Test
    void countdownIsShortAndHuman() {
        assertThat(PlainLanguage.countdown(Duration.ofSeconds(59))).isEqualTo("59 s");
        assertThat(PlainLanguage.countdown(Duration.ofSeconds(245))).isEqualTo("4 min 05 s");
        assertThat(PlainLanguage.countdown(Duration.ofMinutes(125))).isEqualTo("2 h 05 min");
        assertThat(PlainLanguage.countdown(Duration.ofSeconds(-3))).isEqualTo("expired");
    }

    @Test
    void serverNamesComeFromTheUrlPath() {
        assertThat(TraySession.suggestName(URI.create("https://h.example/notes/mcp"))).isEqualTo("notes");
        assertThat(TraySession.suggestName(URI.create("https://mcp.tickets.example/mcp"))).isEqualTo("tickets");
        assertThat(TraySession.suggestName(URI.create("https://crm.example/"))).isEqualTo("crm");
        assertThat(TraySession.suggestName(URI.create("https://h.example/api/Sales%20Team/sse"))).isEqualTo("sales-team");
        assertThat(ServerList.isWebAddress("https://h.example/mcp")).isTrue();
        assertThat(ServerList.isWebAddress("ftp://h.example/mcp")).isFalse();
        assertThat(ServerList.isWebAddress("not a url")).isFalse();
    }

    @Test
    void settingsRoundTripAndBrokenFilesMeanDefaults() throws Exception {
        Path file = Settings.fileBeside(dir.resolve("xaa4j").resolve("config.json"));
        assertThat(file).isEqualTo(dir.resolve("xaa4j").resolve("desktop.json"));
        Settings s = Settings.defaults().withBounds(10, 20, 1200, 800).withTextScale(2.0).withStartInTray(false);
        s.save(file);
        assertThat(Settings.load(file)).isEqualTo(s);
        Files.writeString(file, "{ not json");
        assertThat(Settings.load(file)).isEqualTo(Settings.defaults());
        Files.writeString(file, "{\"textScale\": 9, \"width\": 5}");
        assertThat(Settings.load(file).textScale()).isEqualTo(1.0);
        assertThat(Settings.load(file).width()).isEqualTo(400);
    }

    @Test
    void aiClientEntriesRunTheBridgeAndKeepOtherClaudeEntries() throws Exception {
        AiClients clients = new AiClients("/opt/xaa/bin/xaa", List.of(), Map.of("XDG_CONFIG_HOME", dir.toString()), dir);
        assertThat(clients.vscodeSnippet("notes")).contains("\"servers\"").contains("\"notes\"").contains("\"type\" : \"stdio\"")
                .contains("\"command\" : \"/opt/xaa/bin/xaa\"").contains("\"bridge\", \"notes\"");
        Path claude = clients.claudeConfigFile();
        if (System.getProperty("os.name").toLowerCase().startsWith("linux")) {
            assertThat(claude).isEqualTo(dir.resolve("Claude").resolve("claude_desktop_config.json"));
        }
        Files.createDirectories(claude.getParent());
        Files.writeString(claude, "{\"mcpServers\":{\"other\":{\"command\":\"x\"}},\"theme\":\"dark\"}");
        assertThat(clients.addToClaude("notes")).startsWith("Added \"notes\" to Claude Desktop");
        assertThat(clients.addToClaude("notes")).isEqualTo("Claude Desktop already has \"notes\".");
        assertThat(Files.readString(claude)).contains("\"other\"").contains("\"theme\"").contains("\"notes\"");
    }

    @Test
    void withoutADisplayTheLauncherExplainsInsteadOfCrashing() {
        assertThat(DesktopLauncher.noDisplayReason(Map.of(), "Linux")).contains("no display").contains("xaa agent");
        assertThat(DesktopLauncher.noDisplayReason(Map.of("DISPLAY", ":0"), "Linux")).isNull();
        assertThat(DesktopLauncher.noDisplayReason(Map.of("WAYLAND_DISPLAY", "wayland-0"), "Linux")).isNull();
        assertThat(DesktopLauncher.noDisplayReason(Map.of(), "Mac OS X")).isNull();
    }

    @Test
    void aDisplayThatCannotBeOpenedIsExplainedOnlyForThatFailure() {
        // GTK's failure as JavaFX reports it, possibly wrapped
        RuntimeException gtk = new UnsupportedOperationException("Unable to open DISPLAY");
        assertThat(DesktopLauncher.displayUnusableReason(new RuntimeException("launch failed", gtk), Map.of("DISPLAY", ":99")))
                .startsWith("cannot open display :99; start your desktop session or unset DISPLAY");
        assertThat(DesktopLauncher.displayUnusableReason(gtk, Map.of("WAYLAND_DISPLAY", "wayland-1")))
                .startsWith("cannot open display wayland-1;");
        assertThat(DesktopLauncher.displayUnusableReason(new IllegalStateException("something else"), Map.of("DISPLAY", ":0")))
                .as("other start-up failures keep their own report").isNull();
    }
}
