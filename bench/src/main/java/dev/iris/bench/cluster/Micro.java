package dev.iris.bench.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** The JMH microbenchmarks of the report, each in forked JVMs; the median of all iterations. */
final class Micro {
    /**
     * One benchmark's result: the median of its measurement iterations, JMH's 99.9 % error, and the
     * bytes allocated per operation by all threads of the fork (JMH's {@code gc} profiler; NaN if
     * it had none).
     */
    record Result(String benchmark, String params, double median, double error, String unit, double allocated) {
    }

    static final String INCLUDE =
            "dev\\.iris\\.bench\\.(Frame|Codec|MemoryAccess|GroupLookup|RoundTrip|HeapAllocation|HeapCollection|cluster\\.Bulk)Benchmark";
    /** The smoke run's: the benchmarks whose results it checks (round trips and bulk moves take the longest). */
    static final String SMOKE_INCLUDE =
            "dev\\.iris\\.bench\\.((Frame|Codec|GroupLookup)Benchmark|MemoryAccessBenchmark\\.sharedRead)";

    private Micro() {
    }

    static List<Result> run(boolean smoke) throws RunnerException {
        ChainedOptionsBuilder options = new OptionsBuilder().include(smoke ? SMOKE_INCLUDE : INCLUDE)
                .shouldFailOnError(true).forks(smoke ? 0 : 2) // smoke: in this JVM, no fork to start
                .warmupIterations(smoke ? 0 : 3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(smoke ? 1 : 3)
                .measurementTime(smoke ? TimeValue.milliseconds(100) : TimeValue.seconds(1))
                .addProfiler(GCProfiler.class);
        if (Runtime.version().feature() >= 23) {
            options.jvmArgsAppend("--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED");
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        List<Result> out = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            String params = r.getParams().getParamsKeys().stream()
                    .map(k -> k + "=" + r.getParams().getParam(k)).collect(Collectors.joining(" "));
            var primary = r.getPrimaryResult();
            var allocated = r.getSecondaryResults().entrySet().stream()
                    .filter(e -> e.getKey().endsWith("gc.alloc.rate.norm")).findFirst();
            out.add(new Result(name, params, primary.getStatistics().getPercentile(50), primary.getScoreError(),
                    primary.getScoreUnit(), allocated.map(e -> e.getValue().getScore()).orElse(Double.NaN)));
        }
        return out;
    }
}
