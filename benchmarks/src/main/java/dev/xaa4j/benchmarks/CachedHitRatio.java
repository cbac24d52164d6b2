package dev.xaa4j.benchmarks;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link CachedTokenBenchmark#cachedToken1Thread} and {@link CachedTokenBenchmark#clockMillisBaseline1Thread}
 * in one JMH run with the GC profiler, prints {@code ratio = X} (cached-hit throughput over the throughput of
 * one {@code Clock.millis()} read) and the bytes a hit allocates, and exits with 1 when the ratio is below
 * {@value #REQUIRED} or a hit allocates. Used by {@code benchmarks/run-cached-hit.sh}.
 *
 * <p>The ratio compares the best measurement iteration of each benchmark: on a shared machine other processes
 * only ever slow an iteration down, so the fastest one is the closest to what the code costs; the ratio of
 * the medians is printed next to it.
 *
 * <p>Arguments (optional): the number of 1-second measurement iterations (default 8).
 */
public final class CachedHitRatio {

    /** The required cached-hit throughput as a fraction of one {@code Clock.millis()} read. */
    static final double REQUIRED = 0.8;
    /** More than this many bytes per hit (averaged over an iteration) counts as allocating. */
    static final double ALLOCATION_SLACK_BYTES = 0.1;

    private CachedHitRatio() {
    }

    public static void main(String[] args) throws RunnerException {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        Options options = new OptionsBuilder()
                .include(CachedTokenBenchmark.class.getName() + "\\.(cachedToken1Thread|clockMillisBaseline1Thread)$")
                .warmupIterations(3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(iterations).measurementTime(TimeValue.seconds(1))
                .forks(1)
                .addProfiler(GCProfiler.class)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        Figures hit = null;
        Figures clock = null;
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            Figures f = Figures.of(r);
            if (name.endsWith(".cachedToken1Thread")) {
                hit = f;
            } else if (name.endsWith(".clockMillisBaseline1Thread")) {
                clock = f;
            }
        }
        if (hit == null || clock == null) {
            System.out.println("one of the two benchmarks did not run; see the JMH output above");
            System.exit(2);
        }
        double ratio = hit.best / clock.best;
        System.out.printf("cachedToken1Thread:         best %,.0f ops/s, median %,.0f ops/s, %.4f B/op%n",
                hit.best, hit.median, hit.bytesPerOp);
        System.out.printf("clockMillisBaseline1Thread: best %,.0f ops/s, median %,.0f ops/s%n", clock.best, clock.median);
        System.out.printf("median ratio = %.2f%n", hit.median / clock.median);
        System.out.printf("ratio = %.2f (required >= %.2f)%n", ratio, REQUIRED);
        boolean allocates = Double.isNaN(hit.bytesPerOp) || hit.bytesPerOp > ALLOCATION_SLACK_BYTES;
        if (allocates) {
            System.out.printf("a cached hit allocates %.4f B/op (expected ~0)%n", hit.bytesPerOp);
        }
        System.exit(ratio < REQUIRED || allocates ? 1 : 0);
    }

    /** Best and median iteration throughput (ops/s) and the allocation per op (B/op) of one benchmark. */
    private record Figures(double best, double median, double bytesPerOp) {
        static Figures of(RunResult r) {
            BenchmarkResult b = r.getBenchmarkResults().iterator().next();
            double[] scores = b.getIterationResults().stream()
                    .mapToDouble(i -> i.getPrimaryResult().getScore()).toArray();
            Arrays.sort(scores);
            double median = scores.length % 2 == 1 ? scores[scores.length / 2]
                    : (scores[scores.length / 2 - 1] + scores[scores.length / 2]) / 2;
            double bytes = Double.NaN;
            for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    bytes = e.getValue().getScore();
                }
            }
            return new Figures(scores[scores.length - 1], median, bytes);
        }
    }
}
