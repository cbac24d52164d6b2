package dev.xaa4j.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.host.config.ConfigStore;
import dev.xaa4j.connector.host.config.IdpSettings;
import dev.xaa4j.connector.host.config.SessionStorage;
import dev.xaa4j.connector.internal.store.InstallClientKey;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.desktop.AiClientOffer.Offer;
import dev.xaa4j.desktop.AttentionNotices.Notice;
import dev.xaa4j.desktop.DesktopModel.Account;
import dev.xaa4j.desktop.DesktopModel.View;
import dev.xaa4j.connector.host.config.ClientInstaller.Client;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first run on a managed machine without JavaFX or network: what the policy fixes ({@link Managed}), the
 * AI-client offer ({@link AiClientOffer}: clients found by their folders, one confirm, entries without secrets,
 * the answer remembered, a server the policy adds later offered again), {@link FirstRun} raising the grouped
 * "Added by your organization" notice, and what the window says when the install key or secret is missing.
 */
@Timeout(30)
class ManagedFirstRunTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path home;
    Map<String, String> env;
    Path config;
    Path policy;

    @BeforeEach
    void machine() throws Exception {
        home = Files.createDirectories(dir.resolve("home"));
        env = Map.of("HOME", home.toString(), "XDG_CONFIG_HOME", home.resolve(".config").toString());
        config = home.resolve(".config/xaa4j/config.json");
        policy = dir.resolve("etc/policy.json");
        writePolicy("\"notes\": {\"url\": \"https://mcp.corp.example/notes/mcp\"},"
                + " \"tickets\": {\"url\": \"https://mcp.corp.example/tickets/mcp\"}");
    }

    void writePolicy(String servers) throws Exception {
        Files.createDirectories(policy.getParent());
        Files.writeString(policy, "{\"idp\": {\"issuer\": \"https://login.corp.example\", \"clientId\": \"xaa-corp\","
                + " \"authMethod\": \"private_key_jwt\"}, \"servers\": {" + servers + "},"
                + " \"locked\": [\"idp\", \"servers.notes\"]}");
    }

    ConfigStore store() {
        return new ConfigStore(config, env, policy);
    }

    AiClients clients() {
        return new AiClients("/opt/xaa/bin/xaa", List.of(), env, home);
    }

    /** VS Code and Cursor installed (their folders exist), Claude Desktop not. */
    void installVsCodeAndCursor() throws Exception {
        Files.createDirectories(home.resolve(".config/Code"));
        Files.createDirectories(home.resolve(".cursor"));
    }

    @Test
    void managedSaysWhatThePolicyFixesAndWhereEachServerCameFrom() throws Exception {
        store().putServer("mine", new dev.xaa4j.connector.host.config.ServerEntry("https://my.example/mcp", null, List.of(), null));
        Managed m = Managed.of(store().effective());

        assertThat(m.present()).isTrue();
        assertThat(m.idpLocked()).isTrue();
        assertThat(m.organizationServers()).containsExactly("notes", "tickets");
        assertThat(m.origin("notes")).isEqualTo("Your organization (locked)");
        assertThat(m.origin("tickets")).isEqualTo("Your organization");
        assertThat(m.origin("mine")).isEqualTo("You");
        assertThat(m.removable("notes")).isFalse();
        assertThat(m.removable("tickets")).as("a policy server comes back: not removable here").isFalse();
        assertThat(m.removable("mine")).isTrue();
        assertThat(m.whyFixed("notes").orElseThrow()).startsWith(Managed.LABEL).contains("IT department");
        assertThat(m.whyFixed("mine")).isEmpty();

        Files.delete(policy);
        Managed none = Managed.of(store().effective());
        assertThat(none.present()).isFalse();
        assertThat(none.idpLocked()).isFalse();
        assertThat(none.removable("mine")).isTrue();

        Files.writeString(policy, "{\"idp\": {\"clientID\": \"typo\"}}");
        assertThat(Managed.of(store().effective()).present()).as("a malformed policy fixes nothing here").isFalse();
    }

    @Test
    void theOfferNamesTheClientsFoundWritesBridgeEntriesWithoutSecretsAndIsRemembered() throws Exception {
        AiClientOffer offers = new AiClientOffer(clients(), AiClientOffer.fileBeside(config));
        assertThat(offers.due(List.of("notes", "tickets"))).as("no AI client installed: nothing to offer, nothing remembered").isEmpty();

        installVsCodeAndCursor();
        Offer offer = offers.due(List.of("notes", "tickets")).orElseThrow();
        assertThat(offer.clients()).containsExactly(Client.VSCODE, Client.CURSOR);
        assertThat(offer.action()).isEqualTo("Add 2 servers to VS Code and Cursor");
        assertThat(offer.text()).contains("notes and tickets", "VS Code and Cursor");

        String result = offers.accept(offer);
        assertThat(result).startsWith("Added notes and tickets to VS Code and Cursor.");
        JsonNode vscode = JSON.readTree(home.resolve(".config/Code/User/mcp.json").toFile());
        assertThat(vscode.at("/servers/notes/command").asText()).isEqualTo("/opt/xaa/bin/xaa");
        assertThat(vscode.at("/servers/notes/args").toString()).isEqualTo("[\"bridge\",\"notes\"]");
        assertThat(vscode.at("/servers/tickets/type").asText()).isEqualTo("stdio");
        JsonNode cursor = JSON.readTree(home.resolve(".cursor/mcp.json").toFile());
        assertThat(cursor.at("/mcpServers/tickets/args").toString()).isEqualTo("[\"bridge\",\"tickets\"]");
        assertThat(home.resolve(".config/Claude")).doesNotExist();

        AiClientOffer again = new AiClientOffer(clients(), AiClientOffer.fileBeside(config));
        assertThat(again.due(List.of("notes", "tickets"))).as("answered: not asked again after a restart").isEmpty();
        assertThat(again.answer("notes")).contains("added");
        Offer later = again.due(List.of("notes", "tickets", "wiki")).orElseThrow();
        assertThat(later.servers()).as("a server the policy added later").containsExactly("wiki");
        assertThat(later.action()).isEqualTo("Add wiki to VS Code and Cursor");
        again.decline(later);
        assertThat(new AiClientOffer(clients(), AiClientOffer.fileBeside(config)).due(List.of("wiki"))).isEmpty();
        assertThat(again.onDemand(List.of("notes", "wiki")).clients()).as("on demand, whatever was answered")
                .containsExactly(Client.VSCODE, Client.CURSOR);
        assertThat(Files.readString(AiClientOffer.fileBeside(config))).doesNotContain("secret");
    }

    @Test
    void aDifferentEntryOfTheSameNameIsLeftAloneAndNamed() throws Exception {
        installVsCodeAndCursor();
        Files.writeString(home.resolve(".cursor/mcp.json"), "{\"mcpServers\": {\"notes\": {\"command\": \"my-notes\"},"
                + " \"other\": {\"command\": \"x\"}}, \"theme\": \"dark\"}");
        AiClientOffer offers = new AiClientOffer(clients(), AiClientOffer.fileBeside(config));

        String result = offers.accept(offers.due(List.of("notes")).orElseThrow());

        assertThat(result).startsWith("Added notes to VS Code.").contains("Cursor: ", "already has a different entry \"notes\"", "left as it is");
        JsonNode cursor = JSON.readTree(home.resolve(".cursor/mcp.json").toFile());
        assertThat(cursor.at("/mcpServers/notes/command").asText()).isEqualTo("my-notes");
        assertThat(cursor.at("/mcpServers/other/command").asText()).isEqualTo("x");
        assertThat(cursor.at("/theme").asText()).isEqualTo("dark");
    }

    @Test
    void aMalformedPolicyIsShownAsTheOrganizationsAndAFixedOneIsPickedUpWhileTheAppRuns() throws Exception {
        Files.writeString(policy, "{\"idp\": {\"clientID\": \"typo\"}}");
        java.util.concurrent.atomic.AtomicReference<DesktopModel.View> last = new java.util.concurrent.atomic.AtomicReference<>();
        try (TraySession engine = new TraySession(store(), new TraySession.Options(
                new dev.xaa4j.connector.internal.store.MemoryCredentialStore(), null, null, null, null))) {
            DesktopModel model = new DesktopModel(engine, last::set, java.time.Clock.systemUTC(), java.time.Duration.ofSeconds(30));
            try {
                model.start(java.time.Duration.ofMillis(100));
                DesktopModel.View broken = org.awaitility.Awaitility.await("the policy's fault shown")
                        .until(last::get, v -> v != null && v.problem().isPresent());
                assertThat(broken.problem().orElseThrow().text()).startsWith("Your organization's settings cannot be used: policy file "
                        + policy).contains("unknown key \"idp.clientID\"", "IT department").doesNotContain("delete", config.toString());

                Files.writeString(policy, "{\"servers\": {\"wiki\": {\"url\": \"https://wiki.corp.example/mcp\"}}}");
                org.awaitility.Awaitility.await("the fixed policy followed without a restart").atMost(java.time.Duration.ofSeconds(20))
                        .until(last::get, v -> v.servers().stream().anyMatch(r -> r.name().equals("wiki")));
            } finally {
                model.close();
            }
        }
    }

    @Test
    void anOnDemandOfferDoesNotReplaceAFirstRunOfferStillShown() {
        Offer firstRun = new Offer(List.of(Client.VSCODE), List.of("notes"), false);
        Offer onDemand = new Offer(List.of(Client.VSCODE), List.of("notes", "mine"), true);
        assertThat(onDemand.replaces(firstRun)).as("the first-run answer must still be recorded").isFalse();
        assertThat(onDemand.replaces(null)).isTrue();
        assertThat(onDemand.replaces(onDemand)).isTrue();
        assertThat(firstRun.replaces(onDemand)).isTrue();
    }

    @Test
    void anOfferNoClientCouldTakeIsNotRememberedAsAdded() throws Exception {
        Files.createDirectories(home.resolve(".cursor"));
        Files.writeString(home.resolve(".cursor/mcp.json"), "// comments, as editors allow\n{\"mcpServers\": {}}");
        AiClientOffer offers = new AiClientOffer(clients(), AiClientOffer.fileBeside(config));

        String result = offers.accept(offers.due(List.of("notes")).orElseThrow());

        assertThat(result).startsWith("Nothing was added.").contains("Cursor: ");
        assertThat(offers.answer("notes")).as("nothing written: not an answer").isEmpty();
        assertThat(new AiClientOffer(clients(), AiClientOffer.fileBeside(config)).due(List.of("notes")))
                .as("offered again at the next start").isPresent();
        assertThat(Files.readString(home.resolve(".cursor/mcp.json"))).startsWith("// comments");
    }

    @Test
    void aServerThePolicyAddsLaterIsOfferedAgainWithOneGroupedNotice() throws Exception {
        installVsCodeAndCursor();
        List<Runnable> timers = new ArrayList<>();
        List<Notice> shown = new ArrayList<>();
        AttentionNotices notices = new AttentionNotices(Duration.ofSeconds(3), (d, t) -> timers.add(t), shown::add);
        Recorder out = new Recorder();
        List<Offer> offered = out.offered;
        List<Managed> managed = out.managed;
        List<Optional<String>> setUp = out.setUp;
        MemoryCredentialStore keys = new MemoryCredentialStore();
        new InstallClientKey(keys).create(InstallClientKey.Alg.ES256, false);
        TraySession.Options options = new TraySession.Options(keys, null, dir.resolve("state"), null, null);

        // first run: nothing offered before the sign-in, one offer after it, no notice (the person is at the window)
        try (TraySession session = new TraySession(store(), options)) {
            FirstRun first = new FirstRun(session, new AiClientOffer(clients(), AiClientOffer.fileBeside(config)), notices, out);
            first.observe(view(false));
            assertThat(managed).hasSize(1);
            assertThat(setUp).containsExactly(Optional.empty());
            assertThat(offered).isEmpty();
            first.observe(view(true));
            first.observe(view(true));
            assertThat(offered).hasSize(1);
            assertThat(offered.get(0).servers()).containsExactly("notes", "tickets");
            first.accept(offered.get(0));
            first.observe(view(true));
            assertThat(offered).as("answered").hasSize(1);
            assertThat(timers).isEmpty();
        }

        // the organization adds wiki; at the next start it is offered alone and one notification says so
        writePolicy("\"notes\": {\"url\": \"https://mcp.corp.example/notes/mcp\"},"
                + " \"tickets\": {\"url\": \"https://mcp.corp.example/tickets/mcp\"},"
                + " \"wiki\": {\"url\": \"https://mcp.corp.example/wiki/mcp\"}");
        try (TraySession session = new TraySession(store(), options)) {
            FirstRun next = new FirstRun(session, new AiClientOffer(clients(), AiClientOffer.fileBeside(config)), notices, out);
            next.observe(view(true));
            assertThat(offered).hasSize(2);
            assertThat(offered.get(1).servers()).containsExactly("wiki");
            assertThat(offered.get(1).action()).isEqualTo("Add wiki to VS Code and Cursor");
            assertThat(timers).hasSize(1);
            timers.get(0).run();
            assertThat(shown).singleElement().satisfies(n -> {
                assertThat(n.servers()).containsExactly("wiki");
                assertThat(n.text()).isEqualTo("wiki needs you: " + AttentionNotices.ORGANIZATION + ". Open xaa4j to see what to do.");
            });
            next.decline(offered.get(1));
            next.observe(view(true));
            assertThat(offered).hasSize(2);
        }
    }

    @Test
    void aMalformedPolicyOrUserFileNeitherThrowsNorOffers() throws Exception {
        installVsCodeAndCursor();
        Files.writeString(policy, "{\"idp\": {\"clientID\": \"typo\"}}");
        Recorder out = new Recorder();
        List<Offer> offered = out.offered;
        AttentionNotices notices = new AttentionNotices(Duration.ofSeconds(3), (d, t) -> { }, n -> { });
        try (TraySession session = new TraySession(store(), new TraySession.Options(new MemoryCredentialStore(), null,
                dir.resolve("state"), null, null))) {
            FirstRun run = new FirstRun(session, new AiClientOffer(clients(), AiClientOffer.fileBeside(config)), notices, out);
            run.observe(view(true)); // the model says "Cannot read the configuration …"; this check only steps aside
            assertThat(offered).isEmpty();
            assertThat(run.managed().present()).isFalse();
        }
    }

    @Test
    void theSetUpNoticeGoesWhenTheKeyIsMadeHereOrTheSignInWorks() throws Exception {
        Recorder out = new Recorder();
        List<Optional<String>> setUp = out.setUp;
        MemoryCredentialStore keys = new MemoryCredentialStore();
        AttentionNotices notices = new AttentionNotices(Duration.ofSeconds(3), (d, t) -> { }, n -> { });
        try (TraySession session = new TraySession(store(), new TraySession.Options(keys, null, dir.resolve("state"), null, null))) {
            FirstRun run = new FirstRun(session, new AiClientOffer(clients(), AiClientOffer.fileBeside(config)), notices, out);
            run.observe(view(false));
            assertThat(setUp).singleElement().satisfies(p -> assertThat(p.orElseThrow()).contains("register this install's JWKS"));
            run.observe(view(false));
            assertThat(setUp).as("worked out once per configuration, not per view").hasSize(1);

            new InstallClientKey(keys).create(InstallClientKey.Alg.ES256, false); // "Client key…" → Create key
            run.recheck();
            run.observe(view(false));
            assertThat(setUp).hasSize(2).last().isEqualTo(Optional.empty());

            new InstallClientKey(keys).delete();
            run.recheck();
            run.observe(view(false));
            assertThat(setUp.get(2)).isPresent();
            run.observe(view(true)); // signed in after all: the key was made by `xaa key create` elsewhere
            assertThat(setUp).hasSize(4).last().isEqualTo(Optional.empty());
        }
    }

    @Test
    void aMissingInstallKeyOrSecretSaysWhatToDoAndWhoDoesIt() {
        MemoryCredentialStore store = new MemoryCredentialStore();
        IdpSettings keyed = new IdpSettings("https://login.corp.example", "xaa-corp", "private_key_jwt");
        assertThat(FirstRun.setUpProblem(keyed, store, false).orElseThrow())
                .contains("Client key…", "Create key", "IT department", "register this install's JWKS for the client \"xaa-corp\"");
        new InstallClientKey(store).create(InstallClientKey.Alg.ES256, false);
        assertThat(FirstRun.setUpProblem(keyed, store, false)).isEmpty();

        IdpSettings secret = new IdpSettings("https://login.corp.example", "xaa-corp", "client_secret_basic");
        assertThat(FirstRun.setUpProblem(secret, store, false).orElseThrow())
                .contains("not in the system keyring", "device management", "nobody types it");
        assertThat(FirstRun.setUpProblem(secret, store, true)).as("secrets handed in by the launcher").isEmpty();
        store.write(dev.xaa4j.connector.ClientCredentialsSource.secretKey("https://login.corp.example", "xaa-corp"), "s3cr3t");
        assertThat(FirstRun.setUpProblem(secret, store, false)).isEmpty();
        assertThat(FirstRun.setUpProblem(new IdpSettings("https://login.corp.example", "xaa-corp", "none"), store, false)).isEmpty();
    }

    /** What {@link FirstRun} reported, in order. */
    static final class Recorder implements FirstRun.Out {
        final List<Managed> managed = new ArrayList<>();
        final List<Optional<String>> setUp = new ArrayList<>();
        final List<Offer> offered = new ArrayList<>();

        @Override
        public void managed(Managed m) {
            managed.add(m);
        }

        @Override
        public void setUp(Optional<String> problem) {
            setUp.add(problem);
        }

        @Override
        public void offer(Offer offer) {
            offered.add(offer);
        }
    }

    static View view(boolean signedIn) {
        Account account = new Account(signedIn ? Optional.of("Alice Anders") : Optional.empty(), "https://login.corp.example",
                Optional.empty(), true, SessionStorage.MEMORY);
        return new View(Instant.now(), account, DesktopModel.SignInPhase.IDLE, List.of(), List.of(),
                signedIn ? DesktopModel.TrayState.SIGNED_IN : DesktopModel.TrayState.SIGNED_OUT, Optional.empty(), "");
    }
}
