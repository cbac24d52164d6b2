package dev.xaa4j.bridge;

import static dev.xaa4j.bridge.XaaProcess.ok;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 8 item 7 (c): each documented exit-code situation, run as a user runs it, exits with the code that
 * {@code xaa --help}'s table gives for it. Rows are named by their meaning, never by number: the table is the
 * only source of the numbers. The sample issuer over real HTTP and the OS keyring of {@code .ci/with-keyring}
 * provide the sign-in, denial and success cases; a closed loopback port is the unreachable IdP.
 */
@Tag("slow")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ExitCodeTableTest extends KeyringIssuer {

    private static final Pattern ROW = Pattern.compile("^\\s+(\\d+)\\s+(\\S.*)$");

    @Test
    void everyDocumentedSituationExitsWithTheCodeTheHelpTableGivesIt() throws Exception {
        XaaProcess empty = XaaProcess.in(dir.resolve("empty"));
        Map<Integer, String> table = helpTable(empty);
        assertThat(table.keySet()).containsExactly(0, 1, 2, 3, 4, 5);

        XaaProcess corrupt = XaaProcess.in(dir.resolve("corrupt"));
        Files.createDirectories(corrupt.config().getParent());
        Files.writeString(corrupt.config(), "{ \"idp\": ");

        XaaProcess down = XaaProcess.in(dir.resolve("down"));
        ok(down.run("idp", "http://127.0.0.1:" + closedPort(), "--client-id", "xaa-desktop"));

        XaaProcess chain = XaaProcess.in(dir.resolve("chain"));
        ok(chain.run("idp", issuer.idpIssuer().toString(), "--client-id", "xaa-desktop", "--auth-method", "client_secret_basic"));
        for (String server : new String[] {"notes", "tickets"}) {
            ok(chain.run("server", "add", server, issuer.server(server).toString(), "--as-client-id", "xaa-desktop-mcp"));
            ok(KeyringWrites.retry(() -> chain.run("xaa-desktop-mcp-demo-secret\n", Map.of(), "secret", "set", "as-client-secret", server)));
        }
        ok(KeyringWrites.retry(() -> chain.run("xaa-desktop-demo-secret\n", Map.of(), "secret", "set", "idp-client-secret")));

        Situations s = new Situations(table);
        s.check("ok", empty, "server", "list");
        s.check("other failure", empty, "agent", "--status");
        s.check("other failure", corrupt, "status");
        s.check("usage error", empty, "status", "--no-such-option");
        s.check("usage error", empty, "server", "add", "notes", "not-a-url");
        s.check("usage error", empty, "idp", "not-a-url", "--client-id", "x");
        s.check("usage error", chain, "token", "no-such-server");
        s.check("usage error", chain, "doctor", "no-such-server");
        s.check("sign-in required", empty, "login");
        s.check("sign-in required", empty, "doctor");
        s.check("sign-in required", chain, "token", "notes");
        s.check("sign-in required", chain, "doctor", "notes");
        CommandRun unreachable = s.check("IdP, authorization server or MCP server unavailable", down, "login");
        assertThat(unreachable.out()).contains("xaa: Cannot reach the identity provider at http://127.0.0.1:");
        s.check("IdP, authorization server or MCP server unavailable", down, "doctor");

        ok(chain.login("bob")); // bob may read notes; he has no grant for tickets
        s.check("ok", chain, "token", "notes");
        s.check("ok", chain, "doctor", "notes");
        s.check("access denied", chain, "token", "tickets");
        s.check("access denied", chain, "doctor", "tickets");
        ok(chain.run("logout"));

        s.soft.assertAll();
        assertThat(s.covered).as("every row of the table has a situation").isEqualTo(table.keySet());
    }

    /** The rows under "Exit codes:" in {@code xaa --help}: code → meaning (wrapped lines joined). */
    private static Map<Integer, String> helpTable(XaaProcess xaa) throws Exception {
        CommandRun help = xaa.run("--help");
        ok(help);
        String text = help.out();
        assertThat(text).contains("Exit codes:");
        Map<Integer, String> rows = new LinkedHashMap<>();
        Integer current = null;
        for (String line : text.substring(text.indexOf("Exit codes:")).lines().skip(1).toList()) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) {
                current = Integer.valueOf(m.group(1));
                rows.put(current, m.group(2).strip());
            } else if (current != null && !line.isBlank()) {
                rows.merge(current, line.strip(), (a, b) -> a + " " + b);
            }
        }
        return rows;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Runs situations and compares each exit code with the row of the table whose meaning starts as named. */
    private static final class Situations {
        final SoftAssertions soft = new SoftAssertions();
        final Set<Integer> covered = new TreeSet<>();
        private final Map<Integer, String> table;

        Situations(Map<Integer, String> table) {
            this.table = table;
        }

        CommandRun check(String meaning, XaaProcess xaa, String... args) throws Exception {
            int code = table.entrySet().stream().filter(e -> e.getValue().startsWith(meaning)).map(Map.Entry::getKey)
                    .findFirst().orElseThrow(() -> new AssertionError("no row '" + meaning + "' in " + table));
            covered.add(code);
            CommandRun r = xaa.run("", Map.of(), args);
            soft.assertThat(r.exit()).as("xaa " + String.join(" ", args) + " is '" + meaning + "'\n" + r.out()).isEqualTo(code);
            soft.assertThat(r.out()).as("xaa " + String.join(" ", args)).doesNotContain("xaa: xaa");
            if (r.exit() != 0) {
                soft.assertThat(r.out()).as("no token in a failure").doesNotContain("eyJ");
            }
            return r;
        }
    }
}
