package dev.iris.runtime;

import dev.iris.runtime.dsm.Consistency;
import dev.iris.runtime.dsm.DistributedBarrier;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.Durability;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.dsm.SharedRegion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Iris's own check, in a simulation, that the shared memory is sequentially consistent where it
 * promises to be: no read of a word of a sequentially consistent shared object returns a value
 * older than a write that completed before the read began (a stale read). A lost acknowledged
 * write (with backup copies, after a death) shows the same way.
 *
 * <p>It watches what the program does through each node's {@link SharedMemory} (the view
 * {@link #view} makes): the whole-word accesses ({@code getLong}, {@code setLong}, their
 * {@code double} forms, {@code getAndAdd}, a {@code compareAndSet} that succeeded), each with when it
 * began and ended (the simulation runs them one at a time, so they have an order). A read of value
 * v that ended at e and began at b is stale if every write of v that began before e (or the zeros a
 * page starts as) ended before another write began that itself ended before b. Words written in other ways (by {@code setInt}
 * or a byte range) are not checked from then on; heaps (whose blocks are reused) and
 * release-consistent and transactional shared objects (whose rules differ) are not checked.
 */
final class StaleReads implements Supplier<String> {
    /** A write of {@code value}, from event {@code start} to event {@code end} (open while under way). */
    private static final class Write {
        final long start;
        long end = Long.MAX_VALUE;
        /** The simulation's step it ended at. */
        long endStep;
        final long value;
        final String who;

        Write(long start, long value, String who) {
            this.start = start;
            this.value = value;
            this.who = who;
        }
    }

    private final LongSupplier steps;
    /**
     * Orders the beginnings and ends of the watched accesses, which a simulation runs one at a time:
     * finer than its steps, within which a process may make several (guarded by this).
     */
    private long events;
    /** Per checked word's address, its writes in the order they began (guarded by this). */
    private final Map<Long, List<Write>> writes = new HashMap<>();
    /** Words written otherwise than whole (guarded by this). */
    private final Set<Long> opaque = new HashSet<>();
    /** The first stale read found (guarded by this). */
    private String finding;

    /** @param steps the simulation's step count */
    StaleReads(LongSupplier steps) {
        this.steps = steps;
    }

    @Override
    public synchronized String get() {
        return finding;
    }

    /** {@code memory}, node {@code node}'s, as its program sees it: every checked access noted here. */
    SharedMemory view(String node, SharedMemory memory) {
        List<SharedRegion> checked = memory.regions().stream()
                .filter(r -> !r.heap() && r.consistency() == Consistency.SEQUENTIAL).toList();
        return checked.isEmpty() ? memory : new Checked(node, memory, checked);
    }

    private synchronized Write began(long address, long start, long value, String who) {
        Write w = new Write(start, value, who);
        writes.computeIfAbsent(address, a -> new ArrayList<>()).add(w);
        return w;
    }

    private synchronized void ended(Write w) {
        w.end = ++events;
        w.endStep = steps.getAsLong();
    }

    private synchronized void madeOpaque(long address) {
        opaque.add(address);
        writes.remove(address);
    }

    /** A read of {@code address} that began at step {@code start} returned {@code value} now. */
    private synchronized void readEnded(long address, long start, long value, String who, String region) {
        long end = ++events;
        if (finding != null || opaque.contains(address)) {
            return;
        }
        List<Write> all = writes.getOrDefault(address, List.of());
        long latest = value == 0 ? -1 : Long.MIN_VALUE; // the zeros a page starts as "ended" before step 0
        Write source = null;
        for (Write w : all) {
            if (w.value == value && w.start <= end && w.end > latest) {
                latest = w.end;
                source = w;
            }
        }
        if (latest == Long.MIN_VALUE) {
            return; // a value no watched write wrote (the program wrote the word in another way, say)
        }
        for (Write w : all) {
            if (w.start > latest && w.end < start) {
                finding = "a stale read: " + who + " read " + value + " from address 0x" + Long.toHexString(address)
                        + " (shared object '" + region + "') at step " + steps.getAsLong() + ", but a write of "
                        + w.value + " there (by " + w.who + ") had completed at step " + w.endStep + ", before the "
                        + "read began, after " + (source == null ? "the zeros the page started as" : "the write of "
                        + value + " it read (by " + source.who + ", completed at step " + source.endStep + ")")
                        + " (sequential consistency: a read sees the newest write that completed before it began)";
                return;
            }
        }
    }

    /** The event an access begins at. */
    private synchronized long now() {
        return ++events;
    }

    /** A node's memory whose whole-word accesses to sequentially consistent shared objects are noted. */
    private final class Checked implements SharedMemory {
        private final String node;
        private final SharedMemory memory;
        private final List<SharedRegion> checked;

        Checked(String node, SharedMemory memory, List<SharedRegion> checked) {
            this.node = node;
            this.memory = memory;
            this.checked = checked;
        }

        /** The checked region holding the word at {@code address}, or null. */
        private SharedRegion region(long address) {
            for (SharedRegion r : checked) {
                if (address >= r.base() && address < r.base() + r.bytes()) {
                    return r;
                }
            }
            return null;
        }

        private String who() {
            return "process thread '" + Thread.currentThread().getName() + "' on node '" + node + "'";
        }

        @Override
        public long getLong(long address) {
            SharedRegion r = region(address);
            if (r == null) {
                return memory.getLong(address);
            }
            long start = now();
            long value = memory.getLong(address);
            readEnded(address, start, value, who(), r.name());
            return value;
        }

        @Override
        public void setLong(long address, long value) {
            if (region(address) == null) {
                memory.setLong(address, value);
                return;
            }
            Write w = began(address, now(), value, who());
            memory.setLong(address, value);
            ended(w);
        }

        @Override
        public double getDouble(long address) {
            return Double.longBitsToDouble(getLong(address));
        }

        @Override
        public void setDouble(long address, double value) {
            setLong(address, Double.doubleToRawLongBits(value));
        }

        @Override
        public long getAndAdd(long address, long delta) {
            SharedRegion r = region(address);
            if (r == null) {
                return memory.getAndAdd(address, delta);
            }
            long start = now();
            long old = memory.getAndAdd(address, delta);
            readEnded(address, start, old, who(), r.name());
            ended(began(address, start, old + delta, who()));
            return old;
        }

        @Override
        public boolean compareAndSet(long address, long expected, long value) {
            SharedRegion r = region(address);
            if (r == null) {
                return memory.compareAndSet(address, expected, value);
            }
            long start = now();
            boolean set = memory.compareAndSet(address, expected, value);
            if (set) {
                readEnded(address, start, expected, who(), r.name());
                ended(began(address, start, value, who()));
            }
            return set;
        }

        @Override
        public void setInt(long address, int value) {
            memory.setInt(address, value);
            if (region(address) != null) {
                madeOpaque(address & ~7L);
            }
        }

        @Override
        public void write(long address, byte[] from, int offset, int length) {
            memory.write(address, from, offset, length);
            for (long a = address & ~7L; a < address + length; a += 8) {
                if (region(a) != null) {
                    madeOpaque(a);
                }
            }
        }

        // ------------------------------------------------------------------ not watched

        @Override
        public int pageSize() {
            return memory.pageSize();
        }

        @Override
        public List<SharedRegion> regions() {
            return memory.regions();
        }

        @Override
        public SharedRegion region(String name) {
            return memory.region(name);
        }

        @Override
        public SharedHeap heap() {
            return memory.heap();
        }

        @Override
        public int getInt(long address) {
            return memory.getInt(address);
        }

        @Override
        public void read(long address, byte[] into, int offset, int length) {
            memory.read(address, into, offset, length);
        }

        @Override
        public <T> T transaction(Supplier<T> body) {
            return memory.transaction(body);
        }

        @Override
        public void transaction(Runnable body) {
            memory.transaction(body);
        }

        @Override
        public DistributedLock lock(String name) {
            return memory.lock(name);
        }

        @Override
        public DistributedBarrier barrier(String name, int parties) {
            return memory.barrier(name, parties);
        }

        @Override
        public Optional<Durability> durability() {
            return memory.durability();
        }

        @Override
        public List<PageInfo> snapshot() {
            return memory.snapshot();
        }

        @Override
        public void addListener(Consumer<MemoryEvent> listener) {
            memory.addListener(listener);
        }

        @Override
        public void removeListener(Consumer<MemoryEvent> listener) {
            memory.removeListener(listener);
        }

        @Override
        public long messagesSent() {
            return memory.messagesSent();
        }
    }
}
