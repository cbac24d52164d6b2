package dev.xaa4j.connector.host.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 point 1, the policy "where the platform allows": the Windows registry ({@code reg query /s}) and macOS
 * managed preferences ({@code plutil -convert json}), fed captured outputs of those tools (src/test/resources/policy,
 * written as the tools print them: CRLF and {@code \0}-joined REG_MULTI_SZ; compact JSON) through the
 * {@link PlatformTool} seam, so they run on Linux. Each shape must parse to exactly the policy of the JSON file
 * {@code policy.json}; a missing key, plist or tool is no policy; a malformed one is the same fail-closed error
 * as a malformed file; the precedence is {@code XAA_POLICY}, then the platform store, then the platform file.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PlatformPolicyTest {

    private static final String REG_MISSING = "ERROR: The system was unable to find the specified registry key or value.\r\n";

    @TempDir
    Path dir;

    private final List<List<String>> ran = new ArrayList<>();

    private static String fixture(String name) {
        try (InputStream in = PlatformPolicyTest.class.getResourceAsStream("/policy/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ManagedPolicy jsonFilePolicy() throws IOException {
        Path file = dir.resolve("policy.json");
        Files.writeString(file, fixture("policy.json"));
        return ManagedPolicy.read(file).orElseThrow();
    }

    /** A {@code reg} that prints {@code output} (exit 0), as reg.exe does for an existing key. */
    private PlatformTool reg(String output) {
        return argv -> {
            ran.add(argv);
            assertThat(argv).containsExactly(REG_EXE, "query", WindowsPolicyRegistry.KEY, "/s");
            return Optional.of(new PlatformTool.Output(0, output, ""));
        };
    }

    /** reg.exe by its absolute path, never the first {@code reg} on PATH. */
    private static final String REG_EXE = "C:\\Windows\\System32\\reg.exe";

    private PolicyStore registry(PlatformTool tool) {
        return new WindowsPolicyRegistry(WindowsPolicyRegistry.KEY, WindowsPolicyRegistry.regExe(Map.of()), tool);
    }

    @Test
    void theRegistryShapesParseToThePolicyOfTheJsonFile() throws Exception {
        ManagedPolicy expected = jsonFilePolicy();
        for (String shape : List.of("reg-query-per-key.txt", "reg-query-policy-sz.txt", "reg-query-policy-multi-sz.txt")) {
            ManagedPolicy read = registry(reg(fixture(shape))).read().orElseThrow();
            assertThat(read).as(shape).usingRecursiveComparison().ignoringFields("origin").isEqualTo(expected);
            assertThat(read.origin()).isEqualTo("registry key HKLM\\Software\\Policies\\xaa4j");
        }
        assertThat(ran).hasSize(3);
    }

    @Test
    void aMissingKeyOrAnEmptyKeyIsNoPolicyButNoRegToolFailsClosed() {
        assertThat(registry(argv -> Optional.of(new PlatformTool.Output(1, "", REG_MISSING))).read()).isEmpty();
        assertThat(registry(reg(fixture("reg-query-empty-key.txt"))).read()).isEmpty();
        assertThatThrownBy(() -> registry(argv -> Optional.empty()).read()).as("no reg.exe: the policy cannot be known")
                .isInstanceOf(MalformedPolicyException.class).hasMessageContaining(REG_EXE + " cannot be started");
        assertThat(WindowsPolicyRegistry.regExe(Map.of("SystemRoot", "D:\\WIN"))).isEqualTo("D:\\WIN\\System32\\reg.exe");
    }

    @Test
    void aMalformedRegistryPolicyIsTheFailClosedErrorOfAMalformedFile() {
        Map<String, String> faults = Map.of(
                "reg-query-binary.txt", "the value dpop is REG_BINARY; use REG_SZ (text), REG_MULTI_SZ (list) or REG_DWORD 0/1",
                "reg-query-both.txt", "set either Policy (the whole JSON) or one value per key, not both",
                "reg-query-typo.txt", "unknown key \"idp.ClientId\" (known: [authMethod, clientId, issuer])");
        faults.forEach((shape, fault) -> assertThatThrownBy(() -> registry(reg(fixture(shape))).read()).as(shape)
                .isInstanceOf(MalformedPolicyException.class)
                .hasMessageStartingWith("registry key HKLM\\Software\\Policies\\xaa4j: ").hasMessageContaining(fault)
                .hasMessageEndingWith("xaa will not start with it: ask your IT department to fix it"));
        assertThatThrownBy(() -> registry(argv -> {
            throw new UncheckedIOException(new IOException("reg did not finish within 10 s"));
        }).read()).isInstanceOf(MalformedPolicyException.class).hasMessageContaining("reg did not finish within 10 s");
    }

    @Test
    void aMalformedRegistryPolicyFailsClosedInTheConfigStore() {
        ConfigStore store = new ConfigStore(dir.resolve("config.json"), Map.of(), registry(reg(fixture("reg-query-typo.txt"))));
        assertThatThrownBy(store::load).hasMessageStartingWith("registry key HKLM\\Software\\Policies\\xaa4j: unknown key");
        assertThat(store.effective().policyOrigin()).contains("registry key HKLM\\Software\\Policies\\xaa4j");
        assertThatThrownBy(() -> store.putServer("x", new ServerEntry("https://x.example/mcp", null, List.of(), null)))
                .as("no write while the locks cannot be known").isInstanceOf(MalformedPolicyException.class);
        assertThat(dir.resolve("config.json")).doesNotExist();
    }

    /** A {@code plutil} that prints the captured conversion of each fixture plist it is asked about. */
    private PlatformTool plutil(Map<Path, String> outputs) {
        return argv -> {
            ran.add(argv);
            assertThat(argv.subList(0, 5)).containsExactly("/usr/bin/plutil", "-convert", "json", "-o", "-");
            Path file = Path.of(argv.get(5));
            assertThat(file).exists();
            return Optional.of(outputs.containsKey(file) ? new PlatformTool.Output(0, outputs.get(file), "")
                    : new PlatformTool.Output(1, "", file + ": invalid object in plist for destination format\n"));
        };
    }

    private Path plist(Path at, String fixture) throws IOException {
        Files.createDirectories(at.getParent());
        Files.writeString(at, fixture(fixture));
        return at;
    }

    @Test
    void theComputersManagedPreferencesParseToThePolicyOfTheJsonFile() throws Exception {
        Path computer = plist(dir.resolve("mp/dev.xaa4j.plist"), "dev.xaa4j.plist");
        PolicyStore store = new MacManagedPreferences(dir.resolve("mp"), "alice",
                plutil(Map.of(computer, fixture("plutil-computer.json"))));
        ManagedPolicy read = store.read().orElseThrow();
        assertThat(read).usingRecursiveComparison().ignoringFields("origin").isEqualTo(jsonFilePolicy());
        assertThat(read.origin()).isEqualTo("managed preferences " + computer);
    }

    @Test
    void theUsersManagedPreferencesWinKeyByKey() throws Exception {
        Path computer = plist(dir.resolve("mp/dev.xaa4j.plist"), "dev.xaa4j.plist");
        Path user = plist(dir.resolve("mp/alice/dev.xaa4j.plist"), "user-dev.xaa4j.plist");
        PlatformTool tool = plutil(Map.of(computer, fixture("plutil-computer.json"), user, fixture("plutil-user.json")));
        ManagedPolicy read = new MacManagedPreferences(dir.resolve("mp"), "alice", tool).read().orElseThrow();
        assertThat(read.idp()).as("only the computer sets idp").isEqualTo(jsonFilePolicy().idp());
        assertThat(read.servers()).as("the user's servers replace the computer's").containsOnlyKeys("notes", "wiki");
        assertThat(read.locked()).containsExactlyInAnyOrder("idp", "servers.wiki");
        assertThat(read.dpop()).isTrue();
        assertThat(read.origin()).isEqualTo("managed preferences " + user + " over " + computer);
        assertThat(new MacManagedPreferences(dir.resolve("mp"), "bob", tool).read().orElseThrow().servers())
                .as("another user gets the computer's").containsOnlyKeys("notes", "tickets");
    }

    @Test
    void noPlistIsNoPolicyButAPlistThatPlutilCannotConvertOrNoPlutilFailsClosed() throws Exception {
        assertThat(new MacManagedPreferences(dir.resolve("mp"), "alice", plutil(Map.of())).read()).isEmpty();
        assertThat(ran).as("no plist: plutil is not run").isEmpty();
        Path computer = plist(dir.resolve("mp/dev.xaa4j.plist"), "dev.xaa4j.plist");
        assertThatThrownBy(() -> new MacManagedPreferences(dir.resolve("mp"), "alice", argv -> Optional.empty()).read())
                .as("the plist proves a policy exists: no plutil must not drop it").isInstanceOf(MalformedPolicyException.class)
                .hasMessageContaining(computer + " cannot be read: /usr/bin/plutil cannot be started");
        assertThatThrownBy(() -> new MacManagedPreferences(dir.resolve("mp"), "alice", plutil(Map.of())).read())
                .isInstanceOf(MalformedPolicyException.class)
                .hasMessageStartingWith("managed preferences " + computer + ": plutil cannot convert")
                .hasMessageContaining("invalid object in plist for destination format")
                .hasMessageEndingWith("ask your IT department to fix it");
    }

    @Test
    void xaaPolicyThenThePlatformStoreThenThePlatformFile() throws Exception {
        Path programData = dir.resolve("ProgramData");
        plist(programData.resolve("xaa4j/policy.json"), "policy.json");
        Map<String, String> env = Map.of("ProgramData", programData.toString());
        PlatformTool noKey = argv -> Optional.of(new PlatformTool.Output(1, "", REG_MISSING));

        assertThat(PolicyStore.forPlatform(env, "Windows 11", "alice", noKey).read().orElseThrow().origin())
                .as("no registry key: the ProgramData file").isEqualTo("policy file " + programData.resolve("xaa4j/policy.json"));
        assertThat(PolicyStore.forPlatform(env, "Windows 11", "alice", reg(fixture("reg-query-per-key.txt"))).read()
                .orElseThrow().origin()).as("the registry wins over the file").startsWith("registry key");
        assertThatThrownBy(() -> PolicyStore.forPlatform(env, "Windows 11", "alice", reg(fixture("reg-query-typo.txt"))).read())
                .as("a malformed registry policy does not fall through to the file").hasMessageStartingWith("registry key");

        Path explicit = plist(dir.resolve("explicit.json"), "policy.json");
        Map<String, String> withExplicit = Map.of("ProgramData", programData.toString(), "XAA_POLICY", explicit.toString());
        ran.clear();
        assertThat(PolicyStore.forPlatform(withExplicit, "Windows 11", "alice", reg(fixture("reg-query-per-key.txt"))).read()
                .orElseThrow().origin()).isEqualTo("policy file " + explicit);
        assertThat(ran).as("XAA_POLICY alone: the registry is not asked").isEmpty();
        assertThat(PolicyStore.forPlatform(Map.of(), "Linux", "alice", reg("")).stores())
                .extracting(PolicyStore::where).containsExactly("policy file /etc/xaa4j/policy.json");
        assertThat(PolicyStore.forPlatform(Map.of(), "Mac OS X", "alice", reg("")).where()).isEqualTo(
                "managed preferences /Library/Managed Preferences/alice/dev.xaa4j.plist over /Library/Managed Preferences/"
                        + "dev.xaa4j.plist, then policy file /Library/Application Support/xaa4j/policy.json");
    }

    @Test
    void theRegistryFingerprintIsAskedAtMostEveryRequeryPeriod() {
        PolicyStore store = registry(reg(fixture("reg-query-per-key.txt")));
        String first = store.fingerprint();
        assertThat(first).isNotEmpty();
        assertThat(store.fingerprint()).isEqualTo(first);
        assertThat(ran).as("one reg process for both").hasSize(1);
    }

    /** The shipped Group Policy template (docs/windows) writes what {@link WindowsPolicyRegistry} reads. */
    @Test
    void theAdmxTemplateWritesThePolicyValueTheRegistryReaderReads() throws Exception {
        Path docs = Path.of(System.getProperty("user.dir")).resolveSibling("docs").resolve("windows");
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        org.w3c.dom.Document admx = f.newDocumentBuilder().parse(docs.resolve("xaa4j.admx").toFile());
        org.w3c.dom.Element policy = (org.w3c.dom.Element) admx.getElementsByTagNameNS("*", "policy").item(0);
        assertThat("HKLM\\" + policy.getAttribute("key")).isEqualTo(WindowsPolicyRegistry.KEY);
        assertThat(policy.getAttribute("class")).isEqualTo("Machine");
        org.w3c.dom.Element text = (org.w3c.dom.Element) policy.getElementsByTagNameNS("*", "multiText").item(0);
        assertThat(text.getAttribute("valueName")).isEqualTo("Policy");
        org.w3c.dom.Document adml = f.newDocumentBuilder().parse(docs.resolve("en-US/xaa4j.adml").toFile());
        assertThat(adml.getElementsByTagNameNS("*", "multiTextBox").item(0).getAttributes().getNamedItem("refId")
                .getNodeValue()).isEqualTo(text.getAttribute("id"));
    }
}
