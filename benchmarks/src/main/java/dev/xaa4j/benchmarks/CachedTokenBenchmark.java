package dev.xaa4j.benchmarks;

import dev.xaa4j.connector.internal.ConnectorInternals;
import dev.xaa4j.connector.AccessToken;
import dev.xaa4j.connector.ClientAuthMethod;
import dev.xaa4j.connector.ClientCredentialsSource;
import dev.xaa4j.connector.Connector;
import dev.xaa4j.connector.IdpConfig;
import dev.xaa4j.connector.ServerConfig;
import dev.xaa4j.connector.internal.store.MemoryCredentialStore;
import dev.xaa4j.connector.internal.token.TokenFetcher;
import dev.xaa4j.connector.internal.token.TokenKey;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of a cached {@code Connector.token(server)} hit: the lock-free read path of the token cache
 * (TokenManager: a ConcurrentHashMap get, a volatile read of an immutable entry, the clock). The token lives
 * an hour, so no renewal happens while measuring. Target: ≥ 20 M ops/s on one thread.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar CachedTokenBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CachedTokenBenchmark {

    private Connector connector;

    @Setup(Level.Trial)
    public void setUp() {
        TokenFetcher oneHourTokens = (server, extra) -> new TokenFetcher.Fetched(
                new AccessToken(server, "benchmark-token", "Bearer", Instant.now().plusSeconds(3600), Set.of("notes.read")),
                new TokenKey("https://idp.bench", "https://as.bench", "https://mcp.bench/" + server, "notes.read"));
        connector = ConnectorInternals.tokenFetcher(Connector.builder()
                .idp(new IdpConfig(URI.create("https://idp.bench"), "bench", ClientAuthMethod.NONE))
                .server(ServerConfig.of("notes", URI.create("https://mcp.bench/notes/mcp"), "bench", ClientAuthMethod.NONE))
                .sessionInMemory(true)
                .clientCredentials(ClientCredentialsSource.none())
                .idTokenSource(() -> "unused")
                .journal(false), oneHourTokens)
                .build();
        connector.token("notes"); // warm
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        connector.close();
    }

    /**
     * The CPU time the benchmark thread spent in each measurement iteration, in microseconds: throughput per
     * CPU-second does not depend on the share of the CPU the thread got on a loaded machine ({@link CachedHitRatio}).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class CpuTime {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        private long startNanos;
        public long cpuMicros;

        @Setup(Level.Iteration)
        public void start() {
            cpuMicros = 0;
            startNanos = THREADS.getCurrentThreadCpuTime();
        }

        @TearDown(Level.Iteration)
        public void stop() {
            cpuMicros = (THREADS.getCurrentThreadCpuTime() - startNanos) / 1_000;
        }
    }

    @Benchmark
    @Threads(1)
    public AccessToken cachedToken1Thread(CpuTime cpu) {
        return connector.token("notes");
    }

    @Benchmark
    @Threads(2)
    public AccessToken cachedToken2Threads() {
        return connector.token("notes");
    }

    /** The floor: every hit reads the clock once (an expiry check cannot skip it). */
    @Benchmark
    @Threads(1)
    public long clockMillisBaseline1Thread(CpuTime cpu) {
        return CLOCK.millis();
    }

    private static final java.time.Clock CLOCK = java.time.Clock.systemUTC();
}
