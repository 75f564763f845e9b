package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryConfig.Region;
import dev.iris.runtime.dsm.PageManagement;
import dev.iris.runtime.dsm.SharedMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Randomized workloads on several nodes record every read and write with its real-time interval;
 * the history must be linearizable per address (which implies sequential consistency per
 * address). Few addresses on few pages, so pages move between nodes all the time.
 */
@Timeout(120)
class SequentialConsistencyTest {
    private static final int NODES = 3;
    private static final int THREADS_PER_NODE = 2;
    private static final int OPS_PER_THREAD = 250;

    static Stream<Arguments> runs() {
        List<Arguments> all = new ArrayList<>();
        long seed = System.nanoTime();
        for (Transport t : Transport.values()) {
            for (PageManagement m : PageManagement.values()) {
                all.add(Arguments.of(t, m, seed++));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} seed {2}")
    @MethodSource("runs")
    void historiesAreLinearizablePerAddress(Transport transport, PageManagement management, long seed)
            throws Exception {
        MemoryConfig memory = MemoryConfig.of(List.of(Region.of("cells", 128))).withPageSize(64)
                .withManagement(management);
        try (TestCluster c = transport.start(NODES, Codecs.of(), memory)) {
            long base = c.node(0).memory().region("cells").base();
            long[] addresses = {base, base + 8, base + 64, base + 120}; // two on each of two pages
            RegisterHistory history = new RegisterHistory();
            CountDownLatch start = new CountDownLatch(1);
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> work = new ArrayList<>();
                SplittableRandom seeds = new SplittableRandom(seed);
                for (int n = 0; n < NODES; n++) {
                    SharedMemory m = c.node(n).memory();
                    for (int t = 0; t < THREADS_PER_NODE; t++) {
                        int thread = n * THREADS_PER_NODE + t;
                        SplittableRandom random = seeds.split();
                        work.add(pool.submit(() -> {
                            start.await();
                            for (int i = 1; i <= OPS_PER_THREAD; i++) {
                                long address = addresses[random.nextInt(addresses.length)];
                                boolean write = random.nextInt(3) == 0;
                                long value = (long) (thread + 1) << 32 | i;
                                long invoked = System.nanoTime();
                                if (write) {
                                    m.setLong(address, value);
                                } else {
                                    value = m.getLong(address);
                                }
                                history.add(new RegisterHistory.Op(address, write, value, invoked, System.nanoTime(),
                                        "node" + (thread / THREADS_PER_NODE + 1) + "/" + thread));
                            }
                            return null;
                        }));
                    }
                }
                start.countDown();
                for (Future<?> f : work) {
                    f.get();
                }
            }
            assertEquals(NODES * THREADS_PER_NODE * OPS_PER_THREAD, history.size());
            assertNull(history.check(), "seed " + seed);
        }
    }
}
