package dev.xaa4j.connector.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.host.config.ClientInstaller.Client;
import dev.xaa4j.connector.host.config.ClientInstaller.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void findsTheConfigFileInEachPlatformsConfigDirectory() {
        Path home = Path.of("/home/u");
        assertThat(ConfigPaths.configFile(Map.of(), "Linux", home)).isEqualTo(Path.of("/home/u/.config/xaa4j/config.json"));
        assertThat(ConfigPaths.configFile(Map.of("XDG_CONFIG_HOME", "/x"), "Linux", home)).isEqualTo(Path.of("/x/xaa4j/config.json"));
        assertThat(ConfigPaths.configFile(Map.of("XDG_CONFIG_HOME", "relative"), "Linux", home))
                .as("XDG: relative paths are ignored").isEqualTo(Path.of("/home/u/.config/xaa4j/config.json"));
        assertThat(ConfigPaths.configFile(Map.of(), "Mac OS X", home))
                .isEqualTo(Path.of("/home/u/Library/Application Support/xaa4j/config.json"));
        assertThat(ConfigPaths.userConfigRoot(Map.of("APPDATA", "/appdata"), "Windows 11", home)).isEqualTo(Path.of("/appdata"));
        assertThat(ConfigPaths.configFile(Map.of("XAA_CONFIG", "/etc/xaa.json"), "Linux", home)).isEqualTo(Path.of("/etc/xaa.json"));
    }

    @Test
    void findsTheCacheDirectoryInEachPlatformsCacheLocation() {
        Path home = Path.of("/home/u");
        assertThat(ConfigPaths.cacheDir(Map.of(), "Linux", home)).isEqualTo(Path.of("/home/u/.cache/xaa4j"));
        assertThat(ConfigPaths.cacheDir(Map.of("XDG_CACHE_HOME", "/c"), "Linux", home)).isEqualTo(Path.of("/c/xaa4j"));
        assertThat(ConfigPaths.cacheDir(Map.of("XDG_CACHE_HOME", "rel"), "Linux", home)).isEqualTo(Path.of("/home/u/.cache/xaa4j"));
        assertThat(ConfigPaths.cacheDir(Map.of(), "Mac OS X", home)).isEqualTo(Path.of("/home/u/Library/Caches/xaa4j"));
        assertThat(ConfigPaths.cacheDir(Map.of("LOCALAPPDATA", "/local"), "Windows 11", home)).isEqualTo(Path.of("/local/xaa4j"));
        assertThat(ConfigPaths.cacheDir(Map.of("XAA_CACHE_DIR", "/tmp/xc"), "Linux", home)).isEqualTo(Path.of("/tmp/xc"));
    }

    @Test
    void theHomeIsDollarHomeAsGitAndKubectlReadItNotTheAccountsHome() {
        // the JVM's user.home comes from the account (getpwuid): a moved $HOME must move every xaa4j file
        assertThat(ConfigPaths.home(Map.of("HOME", "/tmp/sandbox"), "Linux", "/root")).isEqualTo(Path.of("/tmp/sandbox"));
        assertThat(ConfigPaths.home(Map.of("HOME", "/tmp/sandbox"), "Mac OS X", "/Users/u")).isEqualTo(Path.of("/tmp/sandbox"));
        assertThat(ConfigPaths.home(Map.of(), "Linux", "/root")).as("no HOME: the account's").isEqualTo(Path.of("/root"));
        assertThat(ConfigPaths.home(Map.of("HOME", ""), "Linux", "/root")).isEqualTo(Path.of("/root"));
        assertThat(ConfigPaths.home(Map.of("HOME", "relative"), "Linux", "/root")).as("a relative HOME is ignored")
                .isEqualTo(Path.of("/root"));
        assertThat(ConfigPaths.home(Map.of("HOME", "/msys/home/u"), "Windows 11", "C:\\Users\\me"))
                .as("Windows: the profile, not an MSYS HOME").isEqualTo(Path.of("C:\\Users\\me"));
    }

    @Test
    void findsTheStateAndBrokerDirectoriesInEachPlatformsLocation() throws Exception {
        Path home = Path.of("/home/u");
        assertThat(ConfigPaths.stateDir(Map.of(), "Linux", home)).isEqualTo(Path.of("/home/u/.local/state/xaa4j"));
        assertThat(ConfigPaths.stateDir(Map.of("XDG_STATE_HOME", "/s"), "Linux", home)).isEqualTo(Path.of("/s/xaa4j"));
        assertThat(ConfigPaths.stateDir(Map.of("XDG_STATE_HOME", "rel"), "Linux", home))
                .isEqualTo(Path.of("/home/u/.local/state/xaa4j"));
        assertThat(ConfigPaths.stateDir(Map.of(), "Mac OS X", home)).isEqualTo(Path.of("/home/u/Library/Application Support/xaa4j"));
        assertThat(ConfigPaths.stateDir(Map.of("LOCALAPPDATA", "/local"), "Windows 11", home)).isEqualTo(Path.of("/local/xaa4j"));

        assertThat(ConfigPaths.runtimeDir(Map.of("XAA_RUNTIME_DIR", "/r"), "Linux", home)).isEqualTo(Path.of("/r"));
        assertThat(ConfigPaths.runtimeDir(Map.of("XDG_RUNTIME_DIR", dir.toString()), "Linux", home)).isEqualTo(dir.resolve("xaa4j"));
        assertThat(ConfigPaths.runtimeDir(Map.of("XDG_RUNTIME_DIR", dir.resolve("gone").toString()), "Linux", home))
                .as("a runtime dir that does not exist: the state dir's").isEqualTo(Path.of("/home/u/.local/state/xaa4j/run"));
    }

    @Test
    void theCurrentProcessResolvesEveryDirectoryUnderTheTestHomeNotTheAccountsHome() {
        // surefire gives every fork HOME, user.home and the XDG directories under target/test-home
        Path home = ConfigPaths.home();
        assertThat(home.toString()).endsWith("test-home");
        assertThat(ConfigPaths.cacheDir()).startsWithRaw(home);
        assertThat(ConfigPaths.stateDir()).startsWithRaw(home);
        assertThat(ConfigPaths.runtimeDir()).startsWithRaw(home);
        assertThat(ConfigPaths.configFile()).startsWithRaw(home);
    }

    @Test
    void theJwtBearerScopeRoundTripsThroughTheFileAndReachesTheServerConfig() throws Exception {
        Path file = dir.resolve("config.json");
        ConfigStore store = dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of());
        ServerEntry kc = new ServerEntry("https://kc.example/mcp", null, List.of("kc:read"), "xaa4j-ras")
                .withAuth(dev.xaa4j.connector.AuthMode.EMA);
        store.putServer("kc", kc.withJwtBearerScope(dev.xaa4j.connector.JwtBearerScope.SEND));
        store.putServer("okta", kc.withJwtBearerScope(dev.xaa4j.connector.JwtBearerScope.OMIT));
        store.putServer("notes", kc.withJwtBearerScope(dev.xaa4j.connector.JwtBearerScope.INHERIT));

        var servers = JSON.readTree(file.toFile()).path("servers");
        assertThat(servers.path("kc").path("jwtBearerScope").asText()).isEqualTo("send");
        assertThat(servers.path("okta").path("jwtBearerScope").asText()).isEqualTo("omit");
        assertThat(servers.path("notes").has("jwtBearerScope")).as("inherit, the default, is not written").isFalse();
        XaaConfig config = store.load();
        assertThat(config.server("kc").orElseThrow().jwtBearerScopeChoice()).isEqualTo(dev.xaa4j.connector.JwtBearerScope.SEND);
        assertThat(ConnectorFactory.servers(config)).hasEntrySatisfying("kc",
                        c -> assertThat(c.jwtBearerScope()).isEqualTo(dev.xaa4j.connector.JwtBearerScope.SEND))
                .hasEntrySatisfying("okta", c -> assertThat(c.jwtBearerScope()).isEqualTo(dev.xaa4j.connector.JwtBearerScope.OMIT))
                .hasEntrySatisfying("notes", c -> assertThat(c.jwtBearerScope()).isEqualTo(dev.xaa4j.connector.JwtBearerScope.INHERIT));

        Files.writeString(file, "{\"servers\":{\"kc\":{\"url\":\"https://kc.example/mcp\",\"jwtBearerScope\":\"sometimes\"}}}");
        assertThatThrownBy(() -> ConnectorFactory.servers(store.load())).hasMessageContaining("sometimes")
                .hasMessageContaining("inherit, send or omit");
    }

    @Test
    void jwtBearerResourceRoundTripsThroughTheFileToServerConfig() throws Exception {
        Path file = dir.resolve("config.json");
        ConfigStore store = dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of());
        ServerEntry kc = new ServerEntry("https://kc.example/mcp", null, List.of(), "xaa4j-ras", "ema");
        store.putServer("kc", kc.withJwtBearerScope(dev.xaa4j.connector.JwtBearerScope.SEND).withJwtBearerResource(false));
        store.putServer("notes", kc.withJwtBearerResource(true));

        var servers = JSON.readTree(file.toFile()).path("servers");
        assertThat(servers.path("kc").path("jwtBearerResource").asText()).isEqualTo("omit");
        assertThat(servers.path("kc").path("jwtBearerScope").asText()).as("the other choice kept").isEqualTo("send");
        assertThat(servers.path("notes").has("jwtBearerResource")).as("send, the default, is not written").isFalse();
        XaaConfig config = store.load();
        assertThat(config.server("kc").orElseThrow().jwtBearerResourceSent()).isFalse();
        assertThat(config.server("kc").orElseThrow().withAuth(dev.xaa4j.connector.AuthMode.AUTO).jwtBearerResource())
                .as("withers keep it").isEqualTo("omit");
        assertThat(ConnectorFactory.servers(config))
                .hasEntrySatisfying("kc", c -> assertThat(c.jwtBearerResource()).isFalse())
                .hasEntrySatisfying("notes", c -> assertThat(c.jwtBearerResource()).isTrue());

        Files.writeString(file, "{\"servers\":{\"kc\":{\"url\":\"https://kc.example/mcp\",\"jwtBearerResource\":\"never\"}}}");
        assertThatThrownBy(() -> ConnectorFactory.servers(store.load())).hasMessageContaining("'never'")
                .hasMessageContaining("send (the default) or omit");
        assertThatThrownBy(() -> store.putServer("kc", new ServerEntry("https://kc.example/mcp", null, List.of(), null,
                null, null, null, "never"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.load().server("kc").orElseThrow().jwtBearerResource()).as("nothing written").isEqualTo("never");
    }

    @Test
    void addsAndRemovesServersKeepingKeysItDoesNotKnow() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"future\":{\"x\":1},\"servers\":{\"old\":{\"url\":\"https://old.example/mcp\",\"color\":\"red\"}}}");
        ConfigStore store = dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of());
        store.putServer("notes", new ServerEntry("https://notes.example/mcp", "https://as.example", List.of("notes:read"), "xaa"));
        store.putServer("old", new ServerEntry("https://old.example/v2/mcp", null, List.of(), null));

        var tree = JSON.readTree(file.toFile());
        assertThat(tree.path("future").path("x").asInt()).isEqualTo(1);
        assertThat(tree.path("servers").path("old").path("color").asText()).isEqualTo("red");
        XaaConfig config = store.load();
        assertThat(config.servers().keySet()).containsExactly("old", "notes");
        assertThat(config.server("notes").orElseThrow())
                .isEqualTo(new ServerEntry("https://notes.example/mcp", "https://as.example", List.of("notes:read"), "xaa"));
        assertThat(config.resolve("old").orElseThrow().toString()).isEqualTo("https://old.example/v2/mcp");
        assertThat(config.resolve("https://adhoc.example/mcp")).isPresent();

        assertThat(store.removeServer("old")).isTrue();
        assertThat(store.removeServer("old")).isFalse();
        assertThat(store.load().servers().keySet()).containsExactly("notes");
    }

    @Test
    void refusesUrlsThatAreNotHttpOrCarryCredentials() {
        ConfigStore store = dev.xaa4j.connector.testing.TestConfigStores.of(dir.resolve("c.json"), Map.of());
        assertThatThrownBy(() -> store.putServer("a", new ServerEntry("ftp://x/mcp", null, null, null)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.putServer("a", new ServerEntry("https://u:p@x/mcp", null, null, null)))
                .hasMessageContaining("credentials");
        assertThatThrownBy(() -> store.putServer("a b", new ServerEntry("https://x/mcp", null, null, null)))
                .hasMessageContaining("server name");
        assertThat(Files.exists(dir.resolve("c.json"))).isFalse();
    }

    @Test
    void environmentOverridesTheFileWithoutWritingIt() throws Exception {
        Path file = dir.resolve("config.json");
        ConfigStore plain = dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of());
        plain.putIdp(new IdpSettings("https://idp.example", "xaa", "none"));
        plain.putServer("notes", new ServerEntry("https://notes.example/mcp", null, List.of("notes:read"), null));
        String before = Files.readString(file);

        XaaConfig ci = dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of("XAA_IDP_ISSUER", "http://127.0.0.1:9400",
                "XAA_SERVER_NOTES", "http://127.0.0.1:9402/notes/mcp", "XAA_SERVER_MY_TICKETS", "http://127.0.0.1:9402/tickets/mcp")).load();
        assertThat(ci.idp()).isEqualTo(new IdpSettings("http://127.0.0.1:9400", "xaa", "none"));
        assertThat(ci.server("notes").orElseThrow().url()).isEqualTo("http://127.0.0.1:9402/notes/mcp");
        assertThat(ci.server("notes").orElseThrow().scopes()).containsExactly("notes:read");
        assertThat(ci.server("my-tickets")).isPresent();
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void theFlowOfAServerIsStoredValidatedAndOverriddenByXaaAuth() throws Exception {
        Path file = dir.resolve("config.json");
        ConfigStore store = dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of());
        store.putServer("wiki", new ServerEntry("https://wiki.example/mcp", null, List.of(), "pre-registered")
                .withAuth(dev.xaa4j.connector.AuthMode.OAUTH));
        assertThat(store.load().server("wiki").orElseThrow().authMode()).isEqualTo(dev.xaa4j.connector.AuthMode.OAUTH);
        String before = Files.readString(file);
        assertThatThrownBy(() -> store.putServer("bad", new ServerEntry("https://bad.example/mcp", null, List.of(), null, "saml")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto, ema, oauth, none, client-credentials or workload");
        assertThat(Files.readString(file)).as("nothing written").isEqualTo(before);

        XaaConfig ci = dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of("XAA_AUTH_WIKI", "none", "XAA_AUTH_NOWHERE", "ema")).load();
        assertThat(ci.server("wiki").orElseThrow().authMode()).isEqualTo(dev.xaa4j.connector.AuthMode.NONE);
        assertThat(ci.server("wiki").orElseThrow().asClientId()).isEqualTo("pre-registered");
        assertThat(ci.server("nowhere")).as("only configured servers").isEmpty();
        assertThatThrownBy(() -> dev.xaa4j.connector.testing.TestConfigStores.of(file, Map.of("XAA_AUTH_WIKI", "maybe")).load())
                .hasMessageContaining("XAA_AUTH_WIKI").hasMessageContaining("auto, ema, oauth, none, client-credentials or workload");
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void installsIntoEachClientsShapeWithoutClobberingOtherEntries() throws Exception {
        Path vscode = dir.resolve("mcp.json");
        Files.writeString(vscode, "{\"inputs\":[],\"servers\":{\"github\":{\"type\":\"http\",\"url\":\"https://api.githubcopilot.com/mcp/\"}}}");
        var entry = ClientInstaller.entry(Client.VSCODE, "/opt/xaa/xaa", List.of(), "notes");
        assertThat(ClientInstaller.install(Client.VSCODE, vscode, "notes", entry, false)).isEqualTo(Outcome.ADDED);
        assertThat(ClientInstaller.install(Client.VSCODE, vscode, "notes", entry, false)).isEqualTo(Outcome.UNCHANGED);
        var tree = JSON.readTree(vscode.toFile());
        assertThat(tree.path("servers").path("github").path("url").asText()).isEqualTo("https://api.githubcopilot.com/mcp/");
        assertThat(tree.has("inputs")).isTrue();
        assertThat(JSON.writeValueAsString(tree.path("servers").path("notes")))
                .isEqualTo("{\"type\":\"stdio\",\"command\":\"/opt/xaa/xaa\",\"args\":[\"bridge\",\"notes\"]}");

        var moved = ClientInstaller.entry(Client.VSCODE, "/usr/local/bin/xaa", List.of(), "notes");
        assertThatThrownBy(() -> ClientInstaller.install(Client.VSCODE, vscode, "notes", moved, false))
                .hasMessageContaining("--force");
        assertThat(ClientInstaller.install(Client.VSCODE, vscode, "notes", moved, true)).isEqualTo(Outcome.REPLACED);

        Path claude = dir.resolve("claude_desktop_config.json");
        ClientInstaller.install(Client.CLAUDE, claude, "notes", ClientInstaller.entry(Client.CLAUDE, "/opt/xaa/xaa", List.of(), "notes"), false);
        assertThat(Files.readString(claude).replaceAll("\\s", ""))
                .isEqualTo("{\"mcpServers\":{\"notes\":{\"command\":\"/opt/xaa/xaa\",\"args\":[\"bridge\",\"notes\"]}}}");
    }

    @Test
    void leavesAnUnparseableClientFileAlone() throws Exception {
        Path vscode = dir.resolve("mcp.json");
        String withComments = "{ // my servers\n \"servers\": {} }";
        Files.writeString(vscode, withComments);
        var entry = ClientInstaller.entry(Client.VSCODE, "/opt/xaa/xaa", List.of(), "notes");
        assertThatThrownBy(() -> ClientInstaller.install(Client.VSCODE, vscode, "notes", entry, false))
                .hasMessageContaining("not touching it");
        assertThat(Files.readString(vscode)).isEqualTo(withComments);
    }

    @Test
    void knowsWhereEachClientKeepsItsConfig() {
        Path home = Path.of("/home/u");
        assertThat(ClientInstaller.configFile(Client.VSCODE, null, Map.of(), "Linux", home))
                .isEqualTo(Path.of("/home/u/.config/Code/User/mcp.json"));
        assertThat(ClientInstaller.configFile(Client.VSCODE, Path.of("/src/app"), Map.of(), "Linux", home))
                .isEqualTo(Path.of("/src/app/.vscode/mcp.json"));
        assertThat(ClientInstaller.configFile(Client.CLAUDE, null, Map.of(), "Mac OS X", home))
                .isEqualTo(Path.of("/home/u/Library/Application Support/Claude/claude_desktop_config.json"));
        assertThat(ClientInstaller.configFile(Client.CURSOR, null, Map.of(), "Linux", home))
                .isEqualTo(Path.of("/home/u/.cursor/mcp.json"));
    }

    @Test
    void anAiClientsSymlinkedConfigIsWrittenThroughAndKeepsItsMode() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
        Path dotfiles = Files.createDirectories(dir.resolve("dotfiles"));
        Path real = dotfiles.resolve("mcp.json");
        Files.writeString(real, "{\"mcpServers\": {}}");
        Files.setPosixFilePermissions(real, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(Files.createDirectories(dir.resolve("home/.cursor")).resolve("mcp.json"), real);

        var entry = ClientInstaller.entry(Client.CURSOR, "/opt/xaa/xaa", List.of(), "notes");
        assertThat(ClientInstaller.install(Client.CURSOR, link, "notes", entry, false)).isEqualTo(Outcome.ADDED);

        assertThat(Files.isSymbolicLink(link)).as("the dotfiles link stays").isTrue();
        assertThat(Files.readString(real)).contains("notes");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(real))).isEqualTo("rw-r--r--");
    }
}
