package dev.xaa4j.demo;

import dev.xaa4j.bridge.Main;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./demo}: the whole story on this machine, with the real parts. Starts the sample issuer (IdP, MCP
 * authorization server, MCP servers {@code notes} and {@code tickets}) on free loopback ports; sets up a
 * throwaway {@code xaa} configuration with the real {@code xaa idp} and {@code xaa server add}; signs in each
 * demo user with the real {@code xaa login}, whose browser is the clearly labelled {@link RedirectFollower} (the
 * sample issuer runs in its dev-only auto-approve mode, so no form and no password are involved); then a
 * real MCP client (the MCP Java SDK over stdio) launches {@code xaa bridge notes} and {@code xaa bridge tickets}
 * and lists and calls tools. Prints what each user could and could not do, then the issuer's audit log (every
 * decision the IdP and AS made, in plain words too), then how to use xaa with your own AI client.
 *
 * <p>Where the OS keyring works, the client secrets go into it with {@code xaa secret set} (on stdin) and the
 * session is kept there. Where it does not (no Secret Service: SSH sessions, containers, CI), the same flow runs
 * with {@code xaa agent --memory} as the session owner ({@link MemoryAgent}): secrets in its environment, the
 * session only in its memory, bridges served through its broker; the demo says so in one line.
 *
 * <p>Everything it creates is removed at the end, also on Ctrl-C: child processes, the temporary directory,
 * the demo's keyring entries. Exit codes: 0 done, 1 a step failed, 2 usage.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, version = "xaa4j demo",
        description = {"Runs the xaa4j demo on the embedded sample issuer: sign in once, then MCP tool calls "
                + "through `xaa bridge` with enterprise-managed tokens, then the issuer's audit log.",
                "The ./demo script also takes --issuer-only (just the sample issuer, in the foreground) and --headless."})
public final class DemoMain implements Callable<Integer> {

    static final String IDP_CLIENT = "xaa-desktop";
    static final String AS_CLIENT = "xaa-desktop-mcp";
    static final String IDP_SECRET = "xaa-desktop-demo-secret";
    static final String AS_SECRET = "xaa-desktop-mcp-demo-secret";
    static final List<String> SERVERS = List.of("notes", "tickets");

    @Option(names = "--users", split = ",", defaultValue = "alice,bob", paramLabel = "USER",
            description = "demo users to sign in one after the other: alice, bob, carol (default: ${DEFAULT-VALUE})")
    List<String> users;

    @Option(names = "--issuer-jar", paramLabel = "FILE",
            description = "sample-issuer.jar (default: the sample issuer on this classpath, else sample-issuer/target beside demo-app)")
    Path issuerJar;

    @Option(names = "--xaa", paramLabel = "FILE", description = "the xaa launcher (default: the one beside xaa.jar, else java … Main)")
    Path xaaLauncher;

    @Option(names = {"-v", "--verbose"}, description = "also show the log of every xaa command and bridge")
    boolean verbose;

    /** Silenced once the demo is interrupted: the cleanup speaks, the half-finished steps do not. */
    private volatile PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    private volatile PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    /** Set on Ctrl-C: no new step starts while the cleanup runs. */
    private volatile boolean stopping;
    private final AtomicBoolean cleanedUp = new AtomicBoolean();
    private final List<BridgeClient> openClients = new ArrayList<>();
    private Path work;
    private SampleIssuerProcess issuer;
    /** Why the OS keyring cannot hold the session (then {@code xaa agent --memory} does), else empty. */
    private Optional<String> noKeyring = Optional.empty();
    private volatile MemoryAgent agent;

    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        // The keyring probe's D-Bus connection logs an error when a throwaway bus goes away at Ctrl-C.
        System.setProperty("org.slf4j.simpleLogger.log.org.freedesktop.dbus", "off");
        // The Secret Service client's own warnings when there is none: the demo says that in its one line.
        System.setProperty("org.slf4j.simpleLogger.log.de.swiesend", "off");
        System.exit(new CommandLine(new DemoMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (String u : users) {
            if (!u.matches("[a-z]{1,32}")) {
                throw new CommandLine.ParameterException(new CommandLine(this), "not a demo user name: " + u);
            }
        }
        Thread hook = new Thread(() -> {
            if (!cleanedUp.get()) {
                stopping = true;
                err.println("demo: interrupted; stopping the sample issuer and bridges, removing what the demo created");
                PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
                out = quiet; // the steps still running fail noisily as their peers go away
                err = quiet;
                System.setErr(quiet);
            }
            cleanUp();
        }, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run();
        } finally {
            cleanUp();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    private int run() throws Exception {
        work = Files.createTempDirectory("xaa4j-demo-");
        out.println("xaa4j demo: Enterprise-Managed Authorization (Cross-App Access) for MCP");
        noKeyring = DemoKeyring.problem();
        noKeyring.ifPresent(why -> out.println("demo: no OS keyring here (" + why
                + "): the session lives in the memory of `xaa agent --memory` for this run"));
        out.println();
        out.println("[1] The sample issuer (enterprise IdP + MCP authorization server + MCP servers), loopback only");
        issuer = SampleIssuerProcess.start(issuerCommand(), work, users.get(0));
        SampleIssuerProcess.Endpoints e = issuer.endpoints();
        out.println("    IdP      " + e.idp());
        out.println("    AS       " + e.as());
        out.println("    notes    " + e.notes());
        out.println("    tickets  " + e.tickets());

        XaaCommandLine xaa = new XaaCommandLine(xaaCommand(), work);
        out.println();
        out.println("[2] A throwaway xaa configuration (XAA_CONFIG=" + work.resolve("config.json") + "); secrets go");
        out.println(noKeyring.isEmpty() ? "    through stdin into the OS keyring, never into files, argv or the environment"
                : "    to `xaa agent --memory` in its environment, never into files or argv");
        if (!xaa(xaa, "", "idp", e.idp(), "--client-id", IDP_CLIENT, "--auth-method", "client_secret_basic")
                || !xaa(xaa, "", "server", "add", "notes", e.notes(), "--as-client-id", AS_CLIENT)
                || !xaa(xaa, "", "server", "add", "tickets", e.tickets(), "--as-client-id", AS_CLIENT)) {
            return 1;
        }
        Path aid = XaaCommandLine.browserScript(work);
        if (!keepSecrets(xaa, aid)) {
            return 1;
        }

        int step = 3;
        for (int i = 0; i < users.size(); i++) {
            String user = users.get(i);
            out.println();
            out.println("[" + step++ + "] " + user + " signs in once" + (i > 0 ? " (after the previous user signs out)" : ""));
            if (i > 0 && !xaa(xaa, "", "logout")) {
                return 1;
            }
            try {
                issuer.autoApprove(user);
            } catch (IOException ex) {
                err.println("demo: " + ex.getMessage());
                return 1;
            }
            out.println("    demo aid: the sample issuer's dev-only auto-approve mode signs in " + user
                    + ", no password; a redirect follower is the browser — a real user signs in there");
            if (!xaa(xaa, Map.of("BROWSER", aid.toString()), "", "login", "--timeout", "120")) {
                return 1;
            }
            out.println();
            out.println("[" + step++ + "] " + user + "'s AI client: an MCP client (MCP Java SDK, stdio) launches `xaa bridge SERVER`");
            useServer(xaa, user, "notes", List.of(
                    new ToolCall("whoami", Map.of()),
                    new ToolCall("add_note", Map.of("text", user + "'s note, written through xaa bridge")),
                    new ToolCall("list_notes", Map.of())));
            useServer(xaa, user, "tickets", List.of(
                    new ToolCall("whoami", Map.of()),
                    new ToolCall("create_ticket", Map.of("title", "VPN drops every hour", "description", "filed by " + user)),
                    new ToolCall("list_tickets", Map.of())));
        }
        out.println();
        out.println("[" + step++ + "] Sign out");
        xaa(xaa, "", "logout");
        out.println();
        out.println("[" + step + "] The issuer's audit log (" + e.audit().getFileName() + "): every decision of the IdP and the AS");
        AuditReport.print(e, out);
        out.println();
        CLOSING.forEach(out::println);
        return 0;
    }

    /** The demo's last lines: how to use the installed xaa with your own AI client. */
    static final List<String> CLOSING = List.of(
            "Done. To use xaa with your own AI client (VS Code, Claude Desktop, Cursor):",
            "  1. install the xaa package, xaa with its own Java runtime (built by ./mvnw -B -DskipTests package):",
            "       apt-get install ./distribution/target/xaa4j_*_amd64.deb     # as root; puts `xaa` and `xaa-tray` on your PATH",
            "       or unpack distribution/target/xaa4j-*-linux-amd64.tar.gz anywhere and use its bin/xaa",
            "  2. xaa idp https://login.example.com --client-id ID          # your company's IdP, from your administrator",
            "  3. xaa server add NAME https://mcp.example.com/mcp --as-client-id ID   # each MCP server you use",
            "     echo SECRET | xaa secret set idp-client-secret             # only if your administrator gave you a client secret",
            "     no secret at all: xaa key create, your administrator registers the printed JWKS for your client, then",
            "     xaa idp ... --auth-method private_key_jwt                   # the key stays in the OS keyring (vscode-bridge/README.md)",
            "  4. xaa login                                                  # once: your browser opens the IdP's sign-in",
            "  5. xaa install vscode|claude|cursor NAME                      # adds `xaa bridge NAME` to that AI client",
            "  No OS keyring (SSH, containers)? Keep `xaa agent --memory` running, with any client secret in its environment",
            "  (XAA_IDP_CLIENT_SECRET, XAA_AS_CLIENT_SECRET_<SERVER>) instead of `xaa secret set`; details: vscode-bridge/README.md");

    /**
     * Where the client secrets go: with a working OS keyring, {@code xaa secret set} (on stdin) puts them there;
     * without one, {@code xaa agent --memory} starts with them in its environment and owns the session.
     */
    private boolean keepSecrets(XaaCommandLine xaa, Path aid) throws IOException, InterruptedException {
        if (noKeyring.isEmpty()) {
            if (!xaa(xaa, IDP_SECRET + "\n", "secret", "set", "idp-client-secret")) {
                return false;
            }
            for (String server : SERVERS) {
                if (!xaa(xaa, AS_SECRET + "\n", "secret", "set", "as-client-secret", server)) {
                    return false;
                }
            }
            return true;
        }
        Map<String, String> asSecrets = new java.util.LinkedHashMap<>();
        SERVERS.forEach(server -> asSecrets.put(server, AS_SECRET));
        out.println("    $ xaa agent --memory &   (" + String.join(", ", MemoryAgent.secretNames(asSecrets))
                + " in its environment; BROWSER=" + aid.getFileName() + ")");
        try {
            agent = MemoryAgent.start(xaa, work, IDP_SECRET, asSecrets, aid);
        } catch (IOException ex) {
            err.println("demo: " + ex.getMessage());
            return false;
        }
        out.println("      " + agent.readyLine());
        return true;
    }

    private record ToolCall(String tool, Map<String, Object> args) {
    }

    private void useServer(XaaCommandLine xaa, String user, String server, List<ToolCall> calls) {
        if (stopping) {
            return;
        }
        out.println("    " + user + " -> " + server);
        BridgeClient client = new BridgeClient(xaa, server);
        synchronized (openClients) {
            openClients.add(client);
        }
        try {
            String info = client.initialize();
            row("initialize", "ok", info.startsWith("xaa-bridge")
                    ? "answered by xaa bridge itself within 1 s (no upstream session yet)" : info);
            List<String> tools = client.toolNames();
            row("tools/list", "ok", tools.isEmpty() ? "(none: the bridge has no upstream session)" : String.join(", ", tools));
            for (ToolCall c : calls) {
                BridgeClient.Outcome o = client.call(c.tool(), c.args());
                row(c.tool(), o.ok() ? "ok" : "REFUSED", o.text());
            }
        } catch (RuntimeException ex) {
            row("(client)", "FAILED", String.valueOf(ex.getMessage()));
        } finally {
            client.close();
            synchronized (openClients) {
                openClients.remove(client);
            }
            if (verbose) {
                client.bridgeLog().forEach(l -> err.println("      bridge | " + l));
            }
        }
    }

    private void row(String what, String result, String detail) {
        String line = String.format("      %-14s %-8s %s", what, result, detail);
        // Long results are cut; refusals are shown whole, their wording is the point.
        out.println(line.length() > 240 && "ok".equals(result) ? line.substring(0, 239) + "…" : line);
    }

    private boolean xaa(XaaCommandLine xaa, String stdin, String... args) throws IOException, InterruptedException {
        return xaa(xaa, Map.of(), stdin, args);
    }

    /** Runs and shows one xaa command; its stdout is indented under it. */
    private boolean xaa(XaaCommandLine xaa, Map<String, String> env, String stdin, String... args)
            throws IOException, InterruptedException {
        if (stopping) {
            return false;
        }
        out.println("    $ xaa " + String.join(" ", args) + (stdin.isEmpty() ? "" : "   < stdin"));
        XaaCommandLine.Run r = xaa.run(stdin, env, args);
        r.out().lines().forEach(l -> out.println("      " + l));
        r.err().lines().filter(l -> verbose || r.exit() != 0).forEach(err::println);
        if (r.exit() != 0) {
            err.println("demo: `xaa " + args[0] + "` failed with exit code " + r.exit());
        }
        return r.exit() == 0;
    }

    private List<String> issuerCommand() throws URISyntaxException {
        String java = javaBinary();
        if (issuerJar != null) {
            return List.of(java, "-jar", issuerJar.toAbsolutePath().toString());
        }
        try {
            Class.forName("dev.xaa4j.sample.SampleIssuerMain", false, DemoMain.class.getClassLoader());
            return List.of(java, "-cp", XaaCommandLine.absoluteClassPath(), "dev.xaa4j.sample.SampleIssuerMain");
        } catch (ClassNotFoundException e) {
            Path beside = location(DemoMain.class).getParent().resolve("../../sample-issuer/target/sample-issuer.jar").normalize();
            if (!Files.isRegularFile(beside)) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "cannot find the sample issuer: build it (./mvnw -B -DskipTests package) or pass --issuer-jar");
            }
            return List.of(java, "-jar", beside.toString());
        }
    }

    private List<String> xaaCommand() throws URISyntaxException {
        if (xaaLauncher != null) {
            return List.of(xaaLauncher.toAbsolutePath().toString());
        }
        Path bridge = location(Main.class); // xaa.jar for ./demo: its launcher is beside it
        Path launcher = bridge.resolveSibling("xaa");
        if (bridge.toString().endsWith(".jar") && Files.isExecutable(launcher)) {
            return List.of(launcher.toString());
        }
        return List.of(javaBinary(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", XaaCommandLine.absoluteClassPath(), Main.class.getName());
    }

    /** The jar (or classes directory) {@code type} was loaded from. */
    private static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Idempotent; runs at the end and from the shutdown hook (Ctrl-C). */
    private void cleanUp() {
        if (!cleanedUp.compareAndSet(false, true)) {
            return;
        }
        synchronized (openClients) {
            openClients.forEach(c -> {
                try {
                    c.close();
                } catch (RuntimeException ignored) {
                    // the bridge is killed below anyway
                }
            });
        }
        if (agent != null) {
            agent.close(); // first: the session it holds in memory ends with it
        }
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroy); // bridges, xaa commands, the issuer
        if (issuer != null) {
            issuer.close();
            if (noKeyring.isEmpty()) {
                DemoKeyring.forget(issuer.endpoints());
            }
        }
        deleteTree(work);
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; the OS cleans it eventually
        }
    }
}
