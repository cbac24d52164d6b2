package dev.xaa4j.connector.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 point 1, the merge rules of docs/admin.md: the policy file (always a temporary one named by
 * {@code XAA_POLICY}, never /etc), the user's file and the environment, with where each setting came from.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ManagedPolicyTest {

    private static final String POLICY = """
            { "idp": { "issuer": "https://idp.corp.example", "clientId": "xaa-corp", "authMethod": "private_key_jwt" },
              "servers": {
                "notes": { "url": "https://mcp.corp.example/notes/mcp", "scopes": ["notes:read"], "auth": "ema" },
                "wiki": { "url": "https://mcp.corp.example/wiki/mcp" } },
              "dpop": true,
              "locked": ["idp.issuer", "idp.authMethod", "servers.notes", "dpop"] }
            """;

    @TempDir
    Path dir;

    private Path policy(String json) throws Exception {
        Path p = dir.resolve("policy.json");
        Files.writeString(p, json);
        return p;
    }

    private Path user(String json) throws Exception {
        Path p = dir.resolve("config.json");
        Files.writeString(p, json);
        return p;
    }

    private ConfigStore store(Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("XAA_POLICY", dir.resolve("policy.json").toString());
        return dev.xaa4j.connector.testing.TestConfigStores.of(dir.resolve("config.json"), all);
    }

    @Test
    void xaaPolicyNamesThePolicyFileElseThePlatformLocation() {
        assertThat(ManagedPolicy.location(Map.of("XAA_POLICY", "/tmp/p.json"), "Linux")).isEqualTo(Path.of("/tmp/p.json"));
        assertThat(ManagedPolicy.location(Map.of(), "Linux")).isEqualTo(Path.of("/etc/xaa4j/policy.json"));
        assertThat(ManagedPolicy.location(Map.of(), "Mac OS X"))
                .isEqualTo(Path.of("/Library/Application Support/xaa4j/policy.json"));
        assertThat(ManagedPolicy.location(Map.of("ProgramData", "/pd"), "Windows 11")).isEqualTo(Path.of("/pd/xaa4j/policy.json"));
        assertThat(dev.xaa4j.connector.testing.TestConfigStores.of(dir.resolve("c.json"), Map.of("XAA_POLICY", "/tmp/p.json")).policy().where())
                .isEqualTo("policy file " + Path.of("/tmp/p.json"));
    }

    @Test
    void testsNeverReadTheMachinesPolicy() {
        assertThat(System.getenv("XAA_POLICY")).as("set for every test fork and the processes it starts (pom.xml)")
                .isNotBlank().doesNotStartWith("/etc/");
        assertThat(dev.xaa4j.connector.testing.TestConfigStores.of(dir.resolve("c.json"), Map.of()).policy().where())
                .isEqualTo("policy file " + dir.resolve("no-policy-for-tests.json"));
    }

    @Test
    void thePolicyAloneIsAConfigurationWithEverySettingFromThePolicy() throws Exception {
        policy(POLICY);
        EffectiveConfig e = store(Map.of()).effective();
        XaaConfig c = e.config();
        assertThat(c.idp()).isEqualTo(new IdpSettings("https://idp.corp.example", "xaa-corp", "private_key_jwt"));
        assertThat(c.servers()).containsOnlyKeys("notes", "wiki");
        assertThat(c.servers().get("notes").scopes()).containsExactly("notes:read");
        assertThat(e.idpSources()).containsOnly(Map.entry("issuer", SettingSource.POLICY),
                Map.entry("clientId", SettingSource.POLICY), Map.entry("authMethod", SettingSource.POLICY));
        assertThat(e.serverSources()).containsOnly(Map.entry("notes", SettingSource.POLICY), Map.entry("wiki", SettingSource.POLICY));
        assertThat(e.sources()).containsEntry("dpop", SettingSource.POLICY).containsEntry("sessionStorage", SettingSource.DEFAULT);
        assertThat(e.warnings()).isEmpty();
        assertThat(e.policyOrigin()).contains("policy file " + dir.resolve("policy.json"));
        assertThat(ConnectorFactory.servable(c)).isTrue();
    }

    @Test
    void withoutAPolicyEverySettingIsTheUsersOrTheDefault() throws Exception {
        user("{\"idp\": {\"issuer\": \"https://idp.example\", \"clientId\": \"me\"}, \"servers\": {\"a\": {\"url\": \"https://a.example/mcp\"}}}");
        EffectiveConfig e = store(Map.of()).effective();
        assertThat(e.policyOrigin()).isEmpty();
        assertThat(e.locked()).isEmpty();
        assertThat(e.idpSources()).containsEntry("issuer", SettingSource.USER).containsEntry("authMethod", SettingSource.DEFAULT);
        assertThat(e.serverSources()).containsOnly(Map.entry("a", SettingSource.USER));
    }

    @Test
    void lockedKeysKeepThePolicysValueAndTheUsersAndEnvironmentsAreIgnoredWithAWarning() throws Exception {
        policy(POLICY);
        user("""
                { "idp": { "issuer": "https://evil.example", "clientId": "mine", "authMethod": "none" },
                  "servers": { "notes": { "url": "https://evil.example/mcp" }, "wiki": { "url": "https://my-wiki.example/mcp" },
                               "extra": { "url": "https://extra.example/mcp" } },
                  "dpop": false }
                """);
        EffectiveConfig e = store(Map.of("XAA_IDP_ISSUER", "https://env.example", "XAA_SERVER_NOTES", "https://env.example/mcp",
                "XAA_AUTH_NOTES", "oauth")).effective();
        XaaConfig c = e.config();
        assertThat(c.idp().issuer()).as("locked").isEqualTo("https://idp.corp.example");
        assertThat(c.idp().authMethod()).as("locked").isEqualTo("private_key_jwt");
        assertThat(c.idp().clientId()).as("unlocked: the user's overrides the policy's default").isEqualTo("mine");
        assertThat(c.servers().get("notes").url()).as("locked server").isEqualTo("https://mcp.corp.example/notes/mcp");
        assertThat(c.servers().get("notes").auth()).isEqualTo("ema");
        assertThat(c.servers().get("wiki").url()).as("unlocked server: the user's replaces it").isEqualTo("https://my-wiki.example/mcp");
        assertThat(c.servers()).as("policy servers first, then the user's").containsOnlyKeys("notes", "wiki", "extra");
        assertThat(c.dpop()).as("locked").isTrue();
        assertThat(e.idpSources()).containsEntry("issuer", SettingSource.POLICY).containsEntry("clientId", SettingSource.USER);
        assertThat(e.serverSources()).containsEntry("notes", SettingSource.POLICY).containsEntry("wiki", SettingSource.USER)
                .containsEntry("extra", SettingSource.USER);
        assertThat(e.warnings()).hasSize(7).allMatch(w -> w.contains("is ignored: managed by your organization (policy file "
                + dir.resolve("policy.json") + ")"));
        assertThat(e.warnings()).anyMatch(w -> w.startsWith("the config file's idp.issuer"))
                .anyMatch(w -> w.startsWith("XAA_IDP_ISSUER")).anyMatch(w -> w.startsWith("the config file's server 'notes'"))
                .anyMatch(w -> w.startsWith("XAA_SERVER_NOTES")).anyMatch(w -> w.startsWith("XAA_AUTH_NOTES"))
                .anyMatch(w -> w.startsWith("the config file's dpop")).anyMatch(w -> w.startsWith("the config file's idp.authMethod"));
        assertThat(store(Map.of()).load().idp().issuer()).as("load() applies the same rules").isEqualTo("https://idp.corp.example");
    }

    @Test
    void unlockedPolicyValuesAreDefaultsTheEnvironmentAndUserOverride() throws Exception {
        policy("{\"idp\": {\"issuer\": \"https://idp.corp.example\", \"clientId\": \"xaa-corp\"}, \"sessionStorage\": \"memory\"}");
        user("{\"idp\": {\"clientId\": \"mine\"}}");
        EffectiveConfig e = store(Map.of("XAA_IDP_ISSUER", "https://staging-idp.example", "XAA_SESSION_STORAGE", "keyring")).effective();
        assertThat(e.config().idp()).isEqualTo(new IdpSettings("https://staging-idp.example", "mine", null));
        assertThat(e.config().sessionStorage()).isEqualTo(SessionStorage.KEYRING);
        assertThat(e.idpSources()).containsEntry("issuer", SettingSource.ENV).containsEntry("clientId", SettingSource.USER)
                .containsEntry("authMethod", SettingSource.DEFAULT);
        assertThat(e.sources()).containsEntry("sessionStorage", SettingSource.ENV);
        assertThat(e.warnings()).isEmpty();
    }

    @Test
    void aValueEqualToTheLockedOneIsNoWarning() throws Exception {
        policy(POLICY);
        user("{\"idp\": {\"issuer\": \"https://idp.corp.example\"}}");
        assertThat(store(Map.of()).effective().warnings()).isEmpty();
    }

    @Test
    void lockingIdpOrServersLocksEveryFieldAndEveryPolicyServerButUsersMayStillAddServers() throws Exception {
        policy("{\"idp\": {\"issuer\": \"https://idp.corp.example\", \"clientId\": \"xaa-corp\"}, "
                + "\"servers\": {\"notes\": {\"url\": \"https://mcp.corp.example/notes/mcp\"}}, \"locked\": [\"idp\", \"servers\"]}");
        user("{\"idp\": {\"clientId\": \"mine\", \"authMethod\": \"none\"}, \"servers\": {\"notes\": {\"url\": \"https://x.example/mcp\"}}}");
        ConfigStore store = store(Map.of());
        EffectiveConfig e = store.effective();
        assertThat(e.config().idp()).isEqualTo(new IdpSettings("https://idp.corp.example", "xaa-corp", null));
        assertThat(e.config().servers().get("notes").url()).isEqualTo("https://mcp.corp.example/notes/mcp");
        assertThat(e.isLocked("idp.authMethod")).isTrue();
        assertThat(e.warnings()).hasSize(3);

        store.putServer("extra", new ServerEntry("https://extra.example/mcp", null, List.of(), null));
        assertThat(store.load().servers()).containsOnlyKeys("notes", "extra");
    }

    @Test
    void anUnlockedIdpFieldCanBeChangedWhileTheLockedOneIsRepeatedUnchanged() throws Exception {
        policy("{\"idp\": {\"issuer\": \"https://idp.corp.example\"}, \"locked\": [\"idp.issuer\"]}");
        ConfigStore store = store(Map.of());
        store.putIdp(new IdpSettings("https://idp.corp.example", "mine", "none"));
        assertThat(store.load().idp()).isEqualTo(new IdpSettings("https://idp.corp.example", "mine", "none"));
        assertThatThrownBy(() -> store.putIdp(new IdpSettings("https://other.example", "mine", "none")))
                .isInstanceOf(ManagedSettingException.class).hasMessageStartingWith("the IdP issuer is managed by your organization");
    }

    @Test
    void aLockedServerCannotBeAddedAgainUnderAnotherNameWithoutItsSettings() throws Exception {
        policy(POLICY);
        ConfigStore store = store(Map.of());
        assertThatThrownBy(() -> store.putServer("my-notes", new ServerEntry("https://mcp.corp.example/notes/mcp/", null, List.of(), null)))
                .isInstanceOf(ManagedSettingException.class)
                .hasMessageStartingWith("the server at https://mcp.corp.example/notes/mcp/ (your organization's 'notes'")
                .hasMessageContaining("managed by your organization");
        store.putServer("my-wiki", new ServerEntry("https://mcp.corp.example/wiki/mcp", null, List.of(), null)); // wiki is not locked
        assertThat(store.load().servers()).containsKey("my-wiki").doesNotContainKey("my-notes");
    }

    @Test
    void xaaPolicyOverAMachinePolicyIsSaidWhereTheMachinesPolicyIs() throws Exception {
        assertThat(ConfigStore.machinePolicy(PolicyStore.file(dir.resolve("none.json")))).isEmpty();
        Path machine = policy(POLICY);
        assertThat(ConfigStore.machinePolicy(PolicyStore.file(machine))).contains("policy file " + machine);
        Files.writeString(machine, "{\"lockd\": []}");
        assertThat(ConfigStore.machinePolicy(PolicyStore.file(machine))).as("a malformed one is there too").contains("policy file " + machine);
        assertThat(new ConfigStore(dir.resolve("config.json"), Map.of()).machinePolicyNotRead()).as("no XAA_POLICY: nothing read").isEmpty();
    }

    @Test
    void aCommandLineFlagCannotOverrideALockedSessionStorage() throws Exception {
        policy("{\"sessionStorage\": \"keyring\", \"locked\": [\"sessionStorage\"]}");
        assertThatThrownBy(() -> store(Map.of()).requireSessionStorage(SessionStorage.MEMORY))
                .isInstanceOf(ManagedSettingException.class)
                .hasMessage("the session storage is managed by your organization (policy file " + dir.resolve("policy.json")
                        + "): ask your IT department to change it");
        store(Map.of()).requireSessionStorage(SessionStorage.KEYRING);
        policy("{\"sessionStorage\": \"keyring\"}");
        store(Map.of()).requireSessionStorage(SessionStorage.MEMORY); // unlocked: the flag wins
    }

    @Test
    void writesOfLockedKeysAreRefusedAsManagedByYourOrganizationAndWriteNothing() throws Exception {
        policy(POLICY);
        ConfigStore store = store(Map.of());
        String managed = "is managed by your organization (policy file " + dir.resolve("policy.json")
                + "): ask your IT department to change it";
        assertThatThrownBy(() -> store.putIdp(new IdpSettings("https://other.example", null, null)))
                .isInstanceOf(ManagedSettingException.class).hasMessage("the IdP issuer " + managed);
        assertThatThrownBy(() -> store.putIdp(new IdpSettings(null, null, "none")))
                .isInstanceOf(ManagedSettingException.class).hasMessage("the IdP auth method " + managed);
        assertThatThrownBy(() -> store.putServer("notes", new ServerEntry("https://x.example/mcp", null, List.of(), null)))
                .isInstanceOf(ManagedSettingException.class).hasMessage("the server 'notes' " + managed);
        assertThatThrownBy(() -> store.removeServer("notes")).hasMessage("the server 'notes' " + managed);
        assertThatThrownBy(() -> store.removeServer("wiki")).as("a policy server cannot be removed, only overridden")
                .isInstanceOf(ManagedSettingException.class);
        assertThat(Files.exists(store.file())).as("nothing written").isFalse();

        store.putIdp(new IdpSettings(null, "mine", null)); // unlocked
        store.putServer("wiki", new ServerEntry("https://my-wiki.example/mcp", null, List.of(), null));
        assertThat(store.load().servers().get("wiki").url()).isEqualTo("https://my-wiki.example/mcp");
        assertThat(store.removeServer("wiki")).as("removes the user's override").isTrue();
        assertThat(store.load().servers().get("wiki").url()).as("back to the policy's").isEqualTo("https://mcp.corp.example/wiki/mcp");
        assertThat(store.load().idp().clientId()).isEqualTo("mine");
    }

    @Test
    void aMalformedPolicyNamesTheFileAndTheFaultRefusesToLoadButTheUsersConfigIsStillShown() throws Exception {
        user("{\"servers\": {\"mine\": {\"url\": \"https://mine.example/mcp\"}}}");
        Path p = dir.resolve("policy.json");
        Map<String, String> faults = Map.ofEntries(
                // a duplicate key or a second object must not drop a lock; a mistyped value must not widen anything
                Map.entry("{\"locked\": [\"dpop\"], \"dpop\": true, \"locked\": []}", "Duplicate field 'locked'"),
                Map.entry("{\"dpop\": true} {\"locked\": [\"dpop\"]}", "Trailing token"),
                Map.entry("{\"servers\": {\"notes\": {\"url\": \"https://n.example/mcp\", \"scopes\": \"notes:read\"}}}",
                        "\"servers.notes.scopes\" must be an array of strings"),
                Map.entry("{\"servers\": {\"notes\": {\"url\": \"https://n.example/mcp\", \"scopes\": [{\"x\": 1}]}}}",
                        "\"servers.notes.scopes\" must be an array of strings"),
                Map.entry("{\"idp\": {\"issuer\": \"https://i.example\", \"clientId\": true}}", "\"idp.clientId\" must be a string"),
                Map.entry("{\"sessionStorage\": 1}", "\"sessionStorage\" must be a string"),
                Map.entry("{\"dpop\": true, \"locked\": [true]}", "\"locked\" must hold key names as strings"),
                // a lock of a key the policy does not set (finding 5): it would strand the person with nothing
                Map.entry("{\"idp\": {\"issuer\": \"https://i.example\"}, \"locked\": [\"idp.clientId\"]}",
                        "\"locked\" names 'idp.clientId', which this policy does not set"),
                Map.entry("{\"locked\": [\"idp\"]}", "\"locked\" names 'idp', which this policy does not set"),
                Map.entry("{\"locked\": [\"dpop\"]}", "\"locked\" names 'dpop', which this policy does not set"),
                Map.entry("{\"locked\": [\"sessionStorage\"]}", "\"locked\" names 'sessionStorage', which this policy does not set"),
                Map.entry("{\"locked\": [\"servers\"]}", "\"locked\" names 'servers', which this policy does not set"),
                Map.entry("{\"servers\": {\"Notes\": {\"url\": \"https://n.example/mcp\"}}}", "server name 'Notes' must be lower-case"),

                Map.entry("{ \"idp\": ", "not valid JSON"),
                Map.entry("[1]", "must hold a JSON object"),
                Map.entry("{\"idp\": {\"issuer\": \"https://i.example\", \"authMethod\": \"telepathy\"}}", "unknown IdP authMethod 'telepathy'"),
                Map.entry("{\"servers\": {\"notes\": {\"url\": \"ftp://x\"}}}", "'ftp://x' is not an http(s) URL"),
                Map.entry("{\"servers\": {\"notes\": {}}}", "server 'notes' has no \"url\""),
                Map.entry("{\"lockd\": [\"idp\"]}", "unknown key \"lockd\""),
                Map.entry("{\"idp\": {\"issuer\": \"https://i.example\", \"clientID\": \"x\"}}", "unknown key \"idp.clientID\""),
                Map.entry("{\"locked\": [\"servers.nope\"]}", "\"locked\" names 'servers.nope'"),
                Map.entry("{\"locked\": \"idp\"}", "\"locked\" must be an array"),
                Map.entry("{\"dpop\": \"yes\"}", "\"dpop\" must be true or false"));
        for (Map.Entry<String, String> f : faults.entrySet()) {
            Files.writeString(p, f.getKey());
            ConfigStore store = store(Map.of());
            assertThatThrownBy(store::load).as(f.getKey()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("policy file " + p + ": ").hasMessageContaining(f.getValue())
                    .hasMessageEndingWith("xaa will not start with it: ask your IT department to fix it");
            EffectiveConfig e = store.effective();
            assertThat(e.policyError()).as(f.getKey()).hasValueSatisfying(m -> assertThat(m).contains(f.getValue()));
            assertThat(e.policyOrigin()).contains("policy file " + p);
            assertThat(e.config().servers()).as("the user's config still loads for status").containsOnlyKeys("mine");
            assertThatThrownBy(() -> store.putServer("x", new ServerEntry("https://x.example/mcp", null, List.of(), null)))
                    .as("fail closed: no write while the locks cannot be known").hasMessageStartingWith("policy file " + p);
        }
    }
}
