package dev.xaa4j.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xaa4j.testing.Processes;
import dev.xaa4j.testing.RealHomeGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's demo, headless, end to end, in both of its session modes: with the real OS keyring (only inside
 * {@code .ci/with-keyring}, a throwaway keyring marked by {@code XAA_REAL_HOME}) and with no Secret Service at
 * all (no D-Bus session), where {@code xaa agent --memory} owns the session. Runs {@link DemoMain} in a child JVM
 * (the sample issuer, {@code xaa} commands, bridges and the agent are its own children) and reads its output as a
 * person does: stdout and stderr as one stream.
 */
@Tag("slow") // the whole demo as child processes
@Timeout(420)
class DemoTest {

    private static final String TITLE = "xaa4j demo: Enterprise-Managed Authorization (Cross-App Access) for MCP";
    private static final String NO_KEYRING_LINE = "demo: no OS keyring here (";

    @TempDir
    Path dir;

    @Test
    void withTheOsKeyringTheDemoSignsInCallsToolsShowsBobsRefusalAndExplainsTheAuditLog() throws Exception {
        assumeTrue(System.getenv("XAA_REAL_HOME") != null, "needs the throwaway keyring of .ci/with-keyring");
        String output = runDemo(false);

        assertThat(output).doesNotContain(NO_KEYRING_LINE).contains("$ xaa secret set idp-client-secret");
        assertTheStory(output);
    }

    @Test
    void withNoSecretServiceTheSessionLivesInTheMemoryOfXaaAgentAndTheDemoSaysSoInOneLine() throws Exception {
        String output = runDemo(true);

        List<String> lines = output.lines().toList();
        assertThat(lines.get(1)).as(output)
                .isEqualTo("demo: no OS keyring here (no D-Bus session, so no Secret Service): the session lives in "
                        + "the memory of `xaa agent --memory` for this run");
        assertThat(lines.subList(0, lines.size() - DemoMain.CLOSING.size()).stream()
                .filter(l -> l.contains("keyring") || l.contains("D-Bus") || l.contains("dbus")))
                .as("one line about the missing keyring, no other (the closing lines aside)").containsExactly(lines.get(1));
        String run = String.join("\n", lines.subList(0, lines.size() - DemoMain.CLOSING.size()));
        assertThat(run).as("no keyring use: the secrets go into the agent's environment")
                .contains("$ xaa agent --memory &", "session in the memory of xaa agent").doesNotContain("xaa secret set");
        assertThat(output).doesNotContain(DemoMain.IDP_SECRET).doesNotContain(DemoMain.AS_SECRET);
        assertTheStory(output);
    }

    /** Runs the demo with its own home; with {@code noDbus}, without a D-Bus session (so without a Secret Service). */
    private String runDemo(boolean noDbus) throws Exception {
        // a home of its own, and none of the XDG/XAA directory variables: whatever per-user file the demo or its
        // children wrote outside the demo's temporary directory would land in this home
        Path home = Files.createDirectories(dir.resolve("home"));
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Duser.home=" + home, "-cp", System.getProperty("java.class.path"), DemoMain.class.getName())
                .redirectInput(ProcessBuilder.Redirect.PIPE).redirectErrorStream(true);
        for (String name : List.of("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XAA_CACHE_DIR", "XAA_RUNTIME_DIR", "XAA_CONFIG")) {
            pb.environment().remove(name);
        }
        if (noDbus) {
            pb.environment().remove("DBUS_SESSION_BUS_ADDRESS");
        }
        pb.environment().put("HOME", home.toString());
        Process p = Processes.start(pb);
        String output;
        try {
            CompletableFuture<String> out = Processes.drain(p.getInputStream(), "demo-output");
            p.getOutputStream().close();
            Processes.awaitExit(p, Duration.ofSeconds(300), "the demo", () -> Processes.partial(out));
            output = out.get(10, TimeUnit.SECONDS);
        } finally {
            Processes.destroyTree(p);
        }
        assertThat(p.exitValue()).as(output).isZero();

        Matcher config = Pattern.compile("XAA_CONFIG=(\\S+)/config\\.json").matcher(output);
        assertThat(config.find()).isTrue();
        assertThat(Path.of(config.group(1))).as("the temporary directory is removed").doesNotExist();
        assertThat(p.descendants().filter(ProcessHandle::isAlive)).as("no child process left").isEmpty();
        assertThat(RealHomeGuard.snapshot(List.of(home.resolve(".config/xaa4j"), home.resolve(".cache/xaa4j"),
                home.resolve(".local/state/xaa4j")))).as("the demo leaves the user's xaa4j directories alone").isEmpty();
        return output;
    }

    /** What both modes show: the same story, told for people who do not know OAuth. */
    private static void assertTheStory(String output) {
        List<String> lines = output.lines().toList();
        assertThat(lines.get(0)).as("the demo's own first line, no D-Bus/keyring/logging noise before it").isEqualTo(TITLE);

        assertThat(output).contains("signed in as Alice Anders", "signed in as Bob Berg")
                .contains("The company's sign-in page (the IdP), in its dev-only auto-approve mode, let alice in without a password.");
        for (String user : List.of("alice", "bob")) {
            int aid = lines.indexOf("    demo aid: the sample issuer's dev-only auto-approve mode signs in " + user
                    + ", no password; a redirect follower is the browser — a real user signs in there");
            int signedIn = indexOf(lines, "signed in as " + ("alice".equals(user) ? "Alice Anders" : "Bob Berg"));
            assertThat(aid).as("the demo-aid line for " + user + "\n" + output).isNotNegative();
            assertThat(lines.get(aid + 1)).as("the aid line comes right before the sign-in it performs")
                    .isEqualTo("    $ xaa login --timeout 120");
            assertThat(signedIn).isGreaterThan(aid);
        }
        // alice: whoami, her note, her ticket
        assertThat(output).containsPattern("whoami +ok +\\{.*\"sub\":\"alice\"")
                .containsPattern("add_note +ok +.*alice's note, written through xaa bridge")
                .containsPattern("list_notes +ok +.*alice's note, written through xaa bridge")
                .containsPattern("create_ticket +ok +.*VPN drops every hour");
        // bob: reads notes, his write is refused with the bridge's error, tickets are not for him
        assertThat(output).containsPattern("whoami +ok +\\{.*\"sub\":\"bob\"")
                .containsPattern("add_note +REFUSED +JSON-RPC error -32011 access_denied: .*notes\\.write")
                .containsPattern("list_notes +ok +\\{\"notes\":\\[\\]\\}")
                .containsPattern("list_tickets +REFUSED +JSON-RPC error -32011 .*'tickets'");
        // the issuer's audit lines, each decision
        assertThat(output).containsPattern("token-exchange +alice +allow +notes")
                .containsPattern("jwt-bearer +bob +allow +notes")
                .containsPattern("token-exchange +bob +deny +tickets");
        assertThat(output).as("no token bytes").doesNotContain("eyJ");

        // one plain sentence per kind of audit entry (event + decision) that the table shows
        Set<String> kinds = new LinkedHashSet<>();
        Matcher row = Pattern.compile("(?m)^    \\d\\d:\\d\\d:\\d\\d  (\\S+) +\\S+ +(allow|deny) ").matcher(output);
        while (row.find()) {
            kinds.add(row.group(1) + " " + row.group(2));
        }
        assertThat(kinds).contains("sign-in allow", "authorization-code allow", "token-exchange allow",
                "token-exchange deny", "jwt-bearer allow", "revocation allow");
        int plain = lines.indexOf("    In plain words, one line per kind of entry:");
        assertThat(plain).as(output).isPositive();
        List<String> sentences = lines.subList(plain + 1, lines.size()).stream().takeWhile(l -> !l.isBlank()).toList();
        assertThat(sentences).hasSize(kinds.size());
        for (String kind : kinds) {
            assertThat(sentences).as(kind).anyMatch(l -> l.startsWith("    " + kind + " ") && l.trim().endsWith("."));
        }
        assertThat(output).contains("The IdP checked that alice may use notes and gave her AI client a permission slip "
                + "for it, with read+write.", "The IdP refused bob's AI client access to tickets: ");

        // the last lines: how to use the installed xaa with your own AI client
        assertThat(lines.subList(lines.size() - DemoMain.CLOSING.size(), lines.size())).isEqualTo(DemoMain.CLOSING);
        assertThat(String.join("\n", DemoMain.CLOSING)).contains("install the xaa package", "xaa idp ", "xaa server add ",
                "xaa login", "xaa install vscode|claude|cursor");
    }

    private static int indexOf(List<String> lines, String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }
}
