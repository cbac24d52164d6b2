package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import dev.xaa4j.connector.host.broker.BrokerClient;
import dev.xaa4j.connector.internal.store.InstallClientKey;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.desktop.DesktopModel.ServerRow;
import dev.xaa4j.sample.SampleIssuers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Labeled;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The first run on a managed machine (docs/admin.md "First run on a managed machine"), driven through TestFX on
 * headless Monocle against the sample issuer over real HTTP, in a temporary root: a temp {@code HOME} and XDG
 * config dir with VS Code's and Cursor's folders (Claude Desktop not installed), no user config file, and
 * {@code XAA_POLICY} naming a policy file that sets the IdP ({@code private_key_jwt} with this install's key, whose
 * JWKS the "administrator" registered) and two servers. Start → one Sign in → the AI-client offer names the clients
 * found → confirm → their config files hold {@code xaa bridge NAME} entries and no secret → a bridge gets a token
 * for a policy server from the app's broker. And: a locked setting's control is disabled with the label.
 */
@Tag("slow")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ManagedFirstRunFxTest extends DesktopIssuerPerClass {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    final FxRobot robot = new FxRobot();
    final MemoryCredentialStore keyring = new MemoryCredentialStore();
    DesktopShell shell;
    Stage stage;
    Path home;
    Path config;
    Path policy;
    Map<String, String> env;

    @BeforeAll
    static void registerStage() throws Exception {
        FxToolkit.registerPrimaryStage();
    }

    @BeforeEach
    void temporaryRoot() throws Exception {
        home = Files.createDirectories(dir.resolve("home"));
        policy = dir.resolve("etc/xaa4j/policy.json");
        Files.createDirectories(policy.getParent());
        Files.writeString(policy, "{\"idp\": {\"issuer\": \"" + issuer.idpIssuer() + "\", \"clientId\": \""
                + SampleIssuers.IDP_CLIENT + "\", \"authMethod\": \"private_key_jwt\"},"
                + " \"servers\": {\"notes\": {\"url\": \"" + issuer.server("notes") + "\", \"asClientId\": \"" + SampleIssuers.AS_CLIENT + "\"},"
                + " \"tickets\": {\"url\": \"" + issuer.server("tickets") + "\", \"asClientId\": \"" + SampleIssuers.AS_CLIENT + "\"}},"
                + " \"locked\": [\"idp\", \"servers.notes\"]}");
        env = Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", home.resolve(".config").toString(),
                "XDG_STATE_HOME", home.resolve(".local/state").toString(), "XAA_POLICY", policy.toString());
        config = home.resolve(".config/xaa4j/config.json");
    }

    @AfterEach
    void closeWindow() throws Exception {
        if (shell != null) {
            robot.interact(shell::close);
        }
        FxToolkit.cleanupStages();
    }

    void open(Path broker) throws Exception {
        TraySession.Options fixture = DesktopFixture.engine(dir, "alice", null);
        // no secret handed in: the connector takes the install key from the (memory) keyring
        TraySession.Options engine = new TraySession.Options(keyring, null, fixture.stateDir(), fixture.signIn(), fixture.policy());
        DesktopShell.Options options = new DesktopShell.Options(config, env, engine, true, Duration.ofMillis(250),
                Duration.ofSeconds(2), broker);
        stage = FxToolkit.setupStage(s -> shell = DesktopShell.open(s, options));
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The administrator's part: this install's public JWKS registered for the IdP client and the AS client. */
    void registerInstallKey() throws Exception {
        InstallClientKey key = new InstallClientKey(keyring);
        key.create(InstallClientKey.Alg.ES256, false);
        for (String client : List.of(SampleIssuers.IDP_CLIENT, SampleIssuers.AS_CLIENT)) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(issuer.idpIssuer() + "/admin/clients/" + client + "/jwks"))
                    .header("Authorization", "Bearer " + issuer.adminToken()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(key.jwksJson())).build();
            HttpResponse<String> r = HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
    }

    <T extends Node> T node(String id) {
        return DesktopWindowFxTest.onFx(() -> robot.lookup(id).query());
    }

    String text(String id) {
        return DesktopWindowFxTest.onFx(() -> robot.lookup(id).<Labeled>query().getText());
    }

    boolean visible(String id) {
        return DesktopWindowFxTest.onFx(() -> robot.lookup(id).query().isVisible());
    }

    @SuppressWarnings("unchecked")
    List<ServerRow> rows() {
        return DesktopWindowFxTest.onFx(() -> List.copyOf(((TableView<ServerRow>) robot.lookup("#servers").query()).getItems()));
    }

    List<String> cellTexts() {
        return DesktopWindowFxTest.onFx(() -> robot.lookup("#servers .table-cell").queryAllAs(javafx.scene.control.TableCell.class)
                .stream().map(c -> c.getText() == null ? "" : c.getText()).toList());
    }

    static void await(String what, Supplier<Boolean> condition) throws Exception {
        DesktopWindowFxTest.await(what, condition);
    }

    @SuppressWarnings("unchecked")
    void select(String server) {
        robot.interact(() -> {
            TableView<ServerRow> t = (TableView<ServerRow>) robot.lookup("#servers").query();
            t.getItems().stream().filter(r -> r.name().equals(server)).findFirst().ifPresent(r -> t.getSelectionModel().select(r));
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The "From" column's text for {@code server} (whether or not its row is scrolled into view). */
    @SuppressWarnings("unchecked")
    String from(String server) {
        return DesktopWindowFxTest.onFx(() -> {
            TableView<ServerRow> t = (TableView<ServerRow>) robot.lookup("#servers").query();
            var column = t.getColumns().stream().filter(c -> c.getText().equals("From")).findFirst().orElseThrow();
            return t.getItems().stream().filter(r -> r.name().equals(server)).findFirst()
                    .map(r -> String.valueOf(column.getCellData(r))).orElse("");
        });
    }

    boolean disabled(String id) {
        return DesktopWindowFxTest.onFx(() -> robot.lookup(id).<Node>query().isDisabled());
    }

    @Test
    void installSignInDoneTheOfferAddsThePolicyServersToTheClientsFoundWithoutASecret() throws Exception {
        registerInstallKey();
        Files.createDirectories(home.resolve(".config/Code")); // VS Code and Cursor are installed; Claude Desktop is not
        Files.createDirectories(home.resolve(".cursor"));
        Path run = Files.createDirectories(dir.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        assertThat(config).as("no prior user config").doesNotExist();
        open(run.resolve("broker.sock"));

        // the organization's IdP and servers, no set-up screen, one Sign in
        await("the policy's servers", () -> rows().stream().map(ServerRow::name).toList().equals(List.of("notes", "tickets")));
        assertThat(text("#idp")).isEqualTo(issuer.idpIssuer().toString());
        assertThat(visible("#idpManaged")).isTrue();
        assertThat(text("#idpManaged")).isEqualTo(Managed.LABEL);
        assertThat(text("#user")).isEqualTo("not signed in");
        assertThat(text("#problem")).doesNotContain("does not know your company's sign-in service", "No MCP servers are set up");
        assertThat(text("#notice")).as("the install key is there: nothing to set up").doesNotContain("Client key");
        assertThat(visible("#aiClientOffer")).as("offered after the sign-in, not before").isFalse();
        await("where each server came from", () -> cellTexts().containsAll(List.of("Your organization (locked)", "Your organization")));

        robot.clickOn("#signIn");
        await("alice signed in, both servers working", () -> text("#user").equals("Alice Anders")
                && rows().stream().allMatch(r -> r.stateText().equals("Working")));

        await("the AI-client offer", () -> visible("#aiClientOffer"));
        assertThat(text("#aiClientOfferText")).contains("notes and tickets", "VS Code and Cursor").doesNotContain("Claude");
        assertThat(text("#aiClientOfferConfirm")).isEqualTo("Add 2 servers to VS Code and Cursor");
        screenshot("main-window-managed-offer.png"); // checked by eye
        robot.clickOn("#aiClientOfferConfirm");
        await("the result", () -> visible("#aiClientResult") && !text("#aiClientResult").isEmpty());
        assertThat(text("#aiClientResult")).startsWith("Added notes and tickets to VS Code and Cursor.");
        assertThat(visible("#aiClientOffer")).isFalse();

        Path vscodeFile = home.resolve(".config/Code/User/mcp.json");
        Path cursorFile = home.resolve(".cursor/mcp.json");
        for (String server : List.of("notes", "tickets")) {
            assertThat(args(JSON.readTree(vscodeFile.toFile()).at("/servers/" + server))).endsWith("bridge", server);
            assertThat(args(JSON.readTree(cursorFile.toFile()).at("/mcpServers/" + server))).endsWith("bridge", server);
        }
        assertThat(home.resolve(".config/Claude")).doesNotExist();
        String privateKey = ((ECKey) JWK.parse(keyring.read(InstallClientKey.ENTRY).orElseThrow())).getD().toString();
        for (Path f : List.of(vscodeFile, cursorFile, AiClientOffer.fileBeside(config))) {
            assertThat(Files.readString(f)).doesNotContain(privateKey, "\"d\"", "eyJ", "Bearer", "DPoP",
                    SampleIssuers.IDP_SECRET, SampleIssuers.AS_SECRET);
        }
        assertThat(config).as("the user's file never receives the policy's values").doesNotExist();

        // what those entries run, `xaa bridge notes`, takes its token from the app's broker
        try (BrokerClient bridge = BrokerClient.connect(run.resolve("broker.sock"), Duration.ofSeconds(5))) {
            var token = bridge.token("notes");
            assertThat(token.scopes()).contains("notes.read");
            assertThat(token.value()).isNotBlank();
        }

        // remembered: a restart does not ask again; "Add to AI clients…" offers on demand
        robot.interact(shell::close);
        FxToolkit.cleanupStages();
        open(null);
        await("signed in again from the kept session", () -> text("#user").equals("Alice Anders")
                && rows().stream().allMatch(r -> r.stateText().equals("Working")));
        assertThat(visible("#aiClientOffer")).as("answered before").isFalse();
        robot.clickOn("#addToAiClients");
        await("the on-demand offer", () -> visible("#aiClientOffer"));
        assertThat(text("#aiClientOfferConfirm")).isEqualTo("Add 2 servers to VS Code and Cursor");
    }

    @Test
    void lockedSettingsShowTheLabelAndTheirControlsAreDisabledAndAMissingKeySaysWhatToDo() throws Exception {
        Files.createDirectories(config.getParent());
        Files.writeString(config, "{\"servers\": {\"mine\": {\"url\": \"http://127.0.0.1:9/mine/mcp\", \"auth\": \"none\"}}}");
        open(null);

        await("policy servers first, then the user's", () -> rows().stream().map(ServerRow::name).toList()
                .containsAll(List.of("notes", "tickets", "mine")));
        assertThat(text("#idpManaged")).isEqualTo(Managed.LABEL);
        assertThat(visible("#idpManaged")).isTrue();
        await("the From column", () -> from("notes").equals("Your organization (locked)")
                && from("tickets").equals("Your organization") && from("mine").equals("You"));
        await("no install key: what to do, and what IT does", () -> text("#notice").contains("register this install's JWKS"));
        assertThat(text("#notice")).contains("Client key…", "Create key", "IT department");

        select("notes");
        assertThat(disabled("#removeServer")).as("a locked server cannot be removed").isTrue();
        assertThat(visible("#serverManaged")).isTrue();
        assertThat(text("#serverManaged")).startsWith(Managed.LABEL).contains("\"notes\"");
        screenshot("main-window-managed-locked.png"); // checked by eye
        select("tickets");
        assertThat(disabled("#removeServer")).as("the organization's list: comes back, so not removable here").isTrue();
        select("mine");
        assertThat(disabled("#removeServer")).as("a server the user added can still be removed").isFalse();
        assertThat(visible("#serverManaged")).isFalse();
        assertThat(DesktopWindowFxTest.onFx(() -> robot.lookup("#copyVscode").<Button>query().isDisabled())).isFalse();
    }

    void screenshot(String name) throws Exception {
        Path file = Path.of("target", "screenshots", name);
        Files.createDirectories(file.getParent());
        var image = DesktopWindowFxTest.onFx(() -> robot.lookup("#root").query().getScene().snapshot(null));
        javax.imageio.ImageIO.write(javafx.embed.swing.SwingFXUtils.fromFXImage(image, null), "png", file.toFile());
    }

    static List<String> args(JsonNode entry) {
        List<String> out = new java.util.ArrayList<>();
        entry.path("args").forEach(a -> out.add(a.asText()));
        return out;
    }
}
