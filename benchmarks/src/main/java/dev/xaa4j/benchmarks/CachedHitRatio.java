package dev.xaa4j.benchmarks;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The cached-hit gate: runs {@link CachedTokenBenchmark#cachedToken1Thread} and
 * {@link CachedTokenBenchmark#clockMillisBaseline1Thread} in one JMH run with the GC profiler, prints
 * {@code ratio = X} (cached-hit throughput over the throughput of one {@code Clock.millis()} read) and the bytes a
 * hit allocates, and exits with 1 when the ratio is below {@value #REQUIRED} or a hit allocates. Used by
 * {@code benchmarks/run-cached-hit.sh}.
 *
 * <p>The ratio gated on is that of throughputs per CPU-second of the benchmark thread
 * ({@link CachedTokenBenchmark.CpuTime}), each the median over the measurement iterations: on a shared 2-core
 * machine the wall-clock throughput of a benchmark mostly measures the share of the CPU it got (the wall-clock
 * ratio of the same code swung from 0.3 to 2.6 between runs at a load average of 7 to 20). The wall-clock ratio
 * (best iteration of each) is printed next to it.
 *
 * <p>Argument (optional): the number of 1-second measurement iterations (default 8).
 */
public final class CachedHitRatio {

    /** The required cached-hit throughput as a fraction of one {@code Clock.millis()} read. */
    static final double REQUIRED = 0.8;
    /** More than this many bytes per hit (averaged over the run) counts as allocating. */
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
        Figures hit = Figures.of(find(results, ".cachedToken1Thread"));
        Figures clock = Figures.of(find(results, ".clockMillisBaseline1Thread"));
        double ratio = hit.perCpuSecond / clock.perCpuSecond;
        System.out.printf("cachedToken1Thread:         %,.0f ops per CPU-second (median), best %,.0f ops/s wall, %.4f B/op%n",
                hit.perCpuSecond, hit.bestWall, hit.bytesPerOp);
        System.out.printf("clockMillisBaseline1Thread: %,.0f ops per CPU-second (median), best %,.0f ops/s wall%n",
                clock.perCpuSecond, clock.bestWall);
        System.out.printf("per iteration: hit %s, clock %s%n", hit.perIteration, clock.perIteration);
        System.out.printf("wall-clock ratio = %.2f (best iterations; depends on the machine's load)%n",
                hit.bestWall / clock.bestWall);
        System.out.printf("ratio = %.2f (per CPU-second; required >= %.2f)%n", ratio, REQUIRED);
        boolean allocates = Double.isNaN(hit.bytesPerOp) || hit.bytesPerOp > ALLOCATION_SLACK_BYTES;
        if (allocates) {
            System.out.printf("a cached hit allocates %.4f B/op (expected ~0)%n", hit.bytesPerOp);
        }
        System.exit(ratio < REQUIRED || allocates ? 1 : 0);
    }

    private static RunResult find(Collection<RunResult> results, String suffix) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith(suffix)).findFirst()
                .orElseThrow(() -> new IllegalStateException(suffix + " did not run; see the JMH output above"));
    }

    /** Median ops per CPU-second, best wall-clock ops/s and B/op of one benchmark. */
    private record Figures(double perCpuSecond, double bestWall, double bytesPerOp, String perIteration) {
        static Figures of(RunResult r) {
            var iterations = r.getBenchmarkResults().iterator().next().getIterationResults();
            double[] perCpu = iterations.stream().mapToDouble(Figures::perCpuSecond).sorted().toArray();
            double median = perCpu.length % 2 == 1 ? perCpu[perCpu.length / 2]
                    : (perCpu[perCpu.length / 2 - 1] + perCpu[perCpu.length / 2]) / 2;
            double bestWall = iterations.stream().mapToDouble(i -> i.getPrimaryResult().getScore()).max().orElse(Double.NaN);
            double bytes = Double.NaN;
            for (Map.Entry<String, Result> e : r.getSecondaryResults().entrySet()) {
                if (e.getKey().endsWith("gc.alloc.rate.norm")) {
                    bytes = e.getValue().getScore();
                }
            }
            String each = iterations.stream().map(i -> String.format("%.1f", perCpuSecond(i) / 1e6))
                    .collect(java.util.stream.Collectors.joining(" ", "[", "] M per CPU-second"));
            return new Figures(median, bestWall, bytes, each);
        }

        /** The operations of the iteration over the CPU seconds the benchmark thread used meanwhile. */
        private static double perCpuSecond(IterationResult i) {
            Result cpu = i.getSecondaryResults().get("cpuMicros");
            if (cpu == null) {
                throw new IllegalStateException("no cpuMicros counter in " + i.getSecondaryResults().keySet());
            }
            return i.getMetadata().getAllOps() / (cpu.getScore() / 1e6);
        }
    }
}
