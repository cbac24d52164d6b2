import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xaa4j.connector.internal.token.RenewalPolicy;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The MCP side of benchmarks/load/run.sh (see benchmarks/README.md, "Session-owner load"). Two modes:
 *
 * <p>{@code run}: starts BRIDGES {@code xaa bridge SERVER} processes (servers round-robin, so 10 bridges on 2
 * servers are 5 per server), each driven by its own MCP Java SDK {@link McpSyncClient} over stdio as an AI client
 * would, all from this one JVM; initializes them, then calls the tool {@code whoami} on each every INTERVAL
 * seconds (bridges staggered across the interval) for DURATION seconds. A call counts as answered only with a
 * result that is not a tool error; anything else (JSON-RPC error, timeout, tool error) is an error. Then it closes
 * the sessions (each bridge exits at end of stdin), counts in the sample issuer's audit file the allowed
 * {@code token-exchange} decisions (RFC 8693 at the IdP) and {@code jwt-bearer} grants (RFC 7523 at the AS) from
 * SIGNED_IN_AT (an ISO-8601 instant just after {@code xaa login}: a session owner may fetch its first tokens as it
 * starts) to the last call, per MCP server (the audit's {@code resource}), and appends one line to RESULTS. The bridges'
 * stderr goes to LOG_DIR/bridge-N.err; this program prints counts and messages, never a token.
 *
 * <p>{@code table}: prints the Markdown table of every RESULTS line with the expected count, the ratio
 * exchanges / expected and the ratio against the baseline scenario {@code none}; exit 1 if a scenario with a
 * session owner is above 1.5 × expected, if the baseline is below half its bridges per server × expected (then
 * its bridges did not renew on their own and the run measured nothing), or if any scenario saw an error.
 *
 * <p>Expected = servers × renewals, renewals = 1 + floor(W / P): the first token, then one renewal every
 * P = L − m − j̄, where L is the access-token lifetime, m the engine's proactive renewal margin
 * ({@code RenewalPolicy}: max(60 s, 0.2·L), but 0.2·L when that is more than L/2; parameters read from its
 * defaults) and j̄ = 0.05·m the mean of its random jitter (0..0.1·m); W runs from the server's first token exchange in the run (the audit's time) to the last
 * tool call. The window column is from the first bridge's start to the last call.
 *
 * <p>Run: {@code java -cp xaa.jar LoadDriver.java run SCENARIO BRIDGES SERVERS DURATION INTERVAL TTL XAA AUDIT
 * RESULTS LOG_DIR
 * SIGNED_IN_AT} or {@code java -cp xaa.jar LoadDriver.java table RESULTS CPU_FILE}.
 */
public final class LoadDriver {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RenewalPolicy POLICY = RenewalPolicy.defaults();
    private static final McpSchema.CallToolRequest WHOAMI = McpSchema.CallToolRequest.builder("whoami")
            .arguments(Map.of()).build();

    public static void main(String[] args) throws Exception {
        if (args.length == 12 && args[0].equals("run")) {
            System.exit(run(args));
        } else if (args.length == 3 && args[0].equals("table")) {
            System.exit(table(Path.of(args[1]), Path.of(args[2])));
        }
        System.err.println("usage: LoadDriver run SCENARIO BRIDGES SERVERS DURATION INTERVAL TTL XAA AUDIT RESULTS LOG_DIR SIGNED_IN_AT"
                + " | LoadDriver table RESULTS CPU_FILE");
        System.exit(2);
    }

    /** One bridge process and the MCP session over its stdio. */
    record Bridge(int index, String server, McpSyncClient client) {
    }

    private static int run(String[] a) throws Exception {
        String scenario = a[1];
        int bridges = Integer.parseInt(a[2]);
        List<String> servers = List.of(a[3].split(","));
        Duration duration = Duration.ofSeconds(Long.parseLong(a[4]));
        Duration interval = Duration.ofSeconds(Long.parseLong(a[5]));
        Path xaa = Path.of(a[7]);
        Path audit = Path.of(a[8]);
        Path results = Path.of(a[9]);
        Path logs = Path.of(a[10]);
        Instant signedInAt = Instant.parse(a[11]);

        Instant start = Instant.now();
        List<Bridge> all = new ArrayList<>();
        for (int i = 0; i < bridges; i++) {
            all.add(start(i, servers.get(i % servers.size()), xaa, logs));
        }
        AtomicLong answered = new AtomicLong();
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(bridges);
        try {
            List<CompletableFuture<Void>> inits = all.stream().map(b -> CompletableFuture.runAsync(() -> {
                McpSchema.InitializeResult init = b.client().initialize();
                if (b.client().listTools().tools().stream().noneMatch(t -> t.name().equals("whoami"))) {
                    throw new IllegalStateException("bridge " + b.index() + " (" + b.server() + ") lists no whoami tool"
                            + " (" + init.serverInfo().name() + ")");
                }
            }, pool)).toList();
            for (CompletableFuture<Void> f : inits) {
                try {
                    f.get(120, TimeUnit.SECONDS);
                } catch (Exception e) {
                    errors.add("initialize: " + rootMessage(e));
                }
            }
            say(scenario + ": " + bridges + " bridges initialized in " + seconds(Duration.between(start, Instant.now()))
                    + " s; calling whoami on each every " + interval.toSeconds() + " s for " + duration.toSeconds() + " s");
            Instant deadline = Instant.now().plus(duration);
            List<CompletableFuture<Void>> loops = all.stream().map(b -> CompletableFuture.runAsync(
                    () -> callUntil(b, deadline, interval, bridges, answered, errors), pool)).toList();
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(duration.toSeconds() + 300, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        Instant end = Instant.now();
        double bridgeCpu = bridgeCpuSeconds();
        for (Bridge b : all) {
            try {
                b.client().closeGracefully(); // end of stdin: the bridge ends its session and exits
            } catch (RuntimeException e) {
                errors.add("close bridge " + b.index() + ": " + rootMessage(e));
            }
        }

        Map<String, Instant> firstExchange = new TreeMap<>();
        // from the sign-in on: a session owner may fetch its first tokens as it starts, before the first bridge
        Map<String, Integer> exchanges = count(audit, "token-exchange", signedInAt, end, firstExchange);
        Map<String, Integer> grants = count(audit, "jwt-bearer", signedInAt, end, new TreeMap<>());
        long ttl = Long.parseLong(a[6]);
        double window = Duration.between(start, end).toMillis() / 1000.0;
        int expected = 0;
        for (String server : servers) {
            Instant first = firstExchange.getOrDefault(server, start);
            expected += renewals(Duration.between(first, end).toMillis() / 1000.0, ttl);
        }
        String line = String.join("\t", scenario, String.valueOf(bridges), String.valueOf(servers.size()),
                String.valueOf(sum(exchanges)), perServer(exchanges), String.valueOf(sum(grants)), perServer(grants),
                String.valueOf(expected), String.format(Locale.ROOT, "%.0f", window), String.valueOf(ttl),
                String.valueOf(answered.get()), String.valueOf(errors.size()), String.format(Locale.ROOT, "%.1f", bridgeCpu));
        Files.writeString(results, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        say(scenario + ": window " + String.format(Locale.ROOT, "%.0f", window) + " s, tool calls answered "
                + answered.get() + ", errors " + errors.size() + ", token exchanges " + sum(exchanges) + " "
                + perServer(exchanges) + ", jwt-bearer grants " + sum(grants) + " " + perServer(grants)
                + ", expected " + expected + ", bridges' CPU " + String.format(Locale.ROOT, "%.1f", bridgeCpu) + " s");
        errors.stream().limit(5).forEach(e -> System.err.println("load: " + scenario + ": error: " + e));
        return errors.isEmpty() ? 0 : 1;
    }

    @SuppressWarnings("deprecation") // Implementation(name, version): the SDK's newer ones add optional fields only
    private static Bridge start(int index, String server, Path xaa, Path logs) throws IOException {
        // the SDK passes only a few variables by default: the bridge needs XAA_CONFIG, XAA_RUNTIME_DIR, the
        // keyring's D-Bus address, HOME and the XDG directories of this run
        ServerParameters params = ServerParameters.builder(xaa.toString()).args("bridge", server)
                .env(new LinkedHashMap<>(System.getenv())).build();
        StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
        PrintWriter err = new PrintWriter(Files.newBufferedWriter(logs.resolve("bridge-" + index + ".err")), true);
        transport.setStdErrorHandler(err::println);
        McpSyncClient client = McpClient.sync(transport)
                .clientInfo(new McpSchema.Implementation("xaa4j-load-" + index, "1"))
                .requestTimeout(Duration.ofSeconds(60)).initializationTimeout(Duration.ofSeconds(120)).build();
        return new Bridge(index, server, client);
    }

    /** Calls whoami every interval (this bridge's slot staggered within it) until the deadline. */
    private static void callUntil(Bridge b, Instant deadline, Duration interval, int bridges, AtomicLong answered,
                                  ConcurrentLinkedQueue<String> errors) {
        long slot = interval.toMillis() * b.index() / bridges;
        Instant next = Instant.now().plusMillis(slot);
        while (next.isBefore(deadline)) {
            pause(Duration.between(Instant.now(), next));
            try {
                McpSchema.CallToolResult r = b.client().callTool(WHOAMI);
                if (Boolean.TRUE.equals(r.isError())) {
                    errors.add("bridge " + b.index() + " (" + b.server() + "): tool error");
                } else {
                    answered.incrementAndGet();
                }
            } catch (RuntimeException e) {
                errors.add("bridge " + b.index() + " (" + b.server() + "): " + rootMessage(e));
            }
            next = next.plus(interval);
        }
    }

    private static void pause(Duration d) {
        if (!d.isNegative() && !d.isZero()) {
            try {
                Thread.sleep(d.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** CPU time of this JVM's descendant processes that are bridges (their launcher execs java with "bridge"). */
    private static double bridgeCpuSeconds() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains("bridge")).orElse(false))
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toMillis).orElse(0L)).sum() / 1000.0;
    }

    /**
     * Allowed decisions of EVENT within [from, to], per MCP server name (the resource URL's path before /mcp); puts
     * each server's first such decision's time into {@code first}.
     */
    static Map<String, Integer> count(Path audit, String event, Instant from, Instant to, Map<String, Instant> first)
            throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        for (String line : Files.readAllLines(audit, StandardCharsets.UTF_8)) {
            JsonNode e = JSON.readTree(line);
            Instant at = Instant.parse(e.path("time").asText());
            if (event.equals(e.path("event").asText()) && "allow".equals(e.path("decision").asText())
                    && !at.isBefore(from) && !at.isAfter(to)) {
                String server = serverName(e.path("resource").asText());
                counts.merge(server, 1, Integer::sum);
                first.putIfAbsent(server, at);
            }
        }
        return counts;
    }

    private static String serverName(String resource) {
        String path = resource.replaceFirst("/mcp/?$", "");
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /**
     * The engine's proactive renewal margin for a token of lifetime L seconds, in seconds: RenewalPolicy's rule
     * (max(minMargin, marginFraction·L), but marginFraction·L when that is more than L/2) with the engine's own
     * default parameters, read from {@link RenewalPolicy#defaults()} (the broker's hosts and the bridges use them).
     */
    static double margin(double lifetime) {
        double fraction = POLICY.marginFraction() * lifetime;
        double m = Math.max(POLICY.minMargin().toMillis() / 1000.0, fraction);
        return m > lifetime / 2 ? fraction : m;
    }

    /** The mean of the engine's random extra margin (uniform in 0..jitterFraction·m), in seconds. */
    static double meanJitter(double margin) {
        return POLICY.jitterFraction() / 2 * margin;
    }

    /** Tokens one server needs in a window of W seconds: the first, then one per renewal period. */
    static int renewals(double window, double lifetime) {
        double m = margin(lifetime);
        double period = lifetime - m - meanJitter(m);
        return 1 + (int) Math.floor(window / period);
    }

    private static int table(Path results, Path cpuFile) throws IOException {
        Map<String, String> cpu = new LinkedHashMap<>();
        if (Files.exists(cpuFile)) {
            for (String l : Files.readAllLines(cpuFile, StandardCharsets.UTF_8)) {
                String[] f = l.split("\t");
                cpu.put(f[0], f[1]);
            }
        }
        List<String[]> rows = Files.readAllLines(results, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank())
                .map(l -> l.split("\t")).toList();
        Integer baseline = rows.stream().filter(r -> r[0].equals("none")).map(r -> Integer.parseInt(r[3])).findFirst()
                .orElse(null);
        String[] first = rows.get(0);
        double ttl = Double.parseDouble(first[9]);
        double m = margin(ttl);
        say(String.format(Locale.ROOT, "expected = servers × renewals; renewals = 1 + floor(W / P), P = L − m − j ="
                + " %.0f − %.1f − %.2f = %.2f s (L = access-token lifetime; m = the engine's renewal margin, max(%d s,"
                + " %.1f·L) or %.1f·L when that exceeds L/2; j = its mean jitter, %.2f·m; W = from the server's first"
                + " token exchange after the sign-in to the last tool call)", ttl, m, meanJitter(m), ttl - m - meanJitter(m),
                POLICY.minMargin().toSeconds(), POLICY.marginFraction(), POLICY.marginFraction(),
                POLICY.jitterFraction() / 2));
        System.out.println();
        System.out.println("| scenario | bridges | servers | token exchanges (IdP) | jwt-bearer grants (AS) | expected"
                + " | exchanges / expected | exchanges / baseline | window | tool calls answered (errors) | CPU s"
                + " (bridges / whole scenario) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
        int status = 0;
        for (String[] r : rows) {
            int exchanges = Integer.parseInt(r[3]);
            int expected = Integer.parseInt(r[7]);
            double ratio = expected == 0 ? Double.NaN : (double) exchanges / expected;
            String vsBaseline = baseline == null || baseline == 0 ? "–"
                    : String.format(Locale.ROOT, "%.2f", (double) exchanges / baseline);
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %d %s | %s %s | %d | **%.2f** | %s | %s s | %s (%s) | %s / %s |%n",
                    label(r[0]), r[1], r[2], exchanges, r[4], r[5], r[6], expected, ratio, vsBaseline, r[8], r[10],
                    r[11], r[12], cpu.getOrDefault(r[0], "?"));
            if (!r[11].equals("0")) {
                System.err.println("load: FAILED: " + r[0] + " saw " + r[11] + " errors (see its bridge-N.err logs)");
                status = 1;
            }
            int perServer = Integer.parseInt(r[1]) / Integer.parseInt(r[2]);
            if (r[0].equals("none") && perServer >= 2 && !(ratio >= perServer / 2.0)) {
                System.err.printf(Locale.ROOT, "load: FAILED: the baseline's exchanges / expected = %.2f, not about %d"
                        + " (bridges per server): its bridges did not renew on their own (an agent served them?), so"
                        + " this run measured nothing%n", ratio, perServer);
                status = 1;
            }
            if (!r[0].equals("none") && !(ratio <= 1.5)) {
                System.err.printf(Locale.ROOT, "load: FAILED: %s: exchanges / expected = %.2f > 1.5: the session owner"
                        + " did not share renewals%n", r[0], ratio);
                status = 1;
            }
        }
        return status;
    }

    private static String label(String scenario) {
        return switch (scenario) {
            case "tray" -> "tray (desktop app hosts the broker)";
            case "agent" -> "agent (xaa agent, no tray)";
            case "on-demand" -> "agent started on demand by the first bridge";
            case "none" -> "baseline: no session owner (XAA_AGENT=off)";
            default -> scenario;
        };
    }

    private static int sum(Map<String, Integer> counts) {
        return counts.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static String perServer(Map<String, Integer> counts) {
        StringBuilder s = new StringBuilder("(");
        counts.forEach((k, v) -> s.append(s.length() > 1 ? ", " : "").append(k).append(' ').append(v));
        return s.append(')').toString();
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static void say(String line) {
        System.out.println("load: " + line);
        System.out.flush();
    }

    static {
        // the SDK's own logging (slf4j-simple in xaa.jar) would print every bridge's stderr line: warnings only
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    private LoadDriver() {
    }
}
