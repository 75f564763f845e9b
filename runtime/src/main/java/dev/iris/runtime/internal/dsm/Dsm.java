package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.NodeId;
import dev.iris.runtime.dsm.DistributedBarrier;
import dev.iris.runtime.dsm.DistributedLock;
import dev.iris.runtime.dsm.Durability;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.dsm.PageManagement;
import dev.iris.runtime.dsm.SharedHeap;
import dev.iris.runtime.dsm.SharedMemory;
import dev.iris.runtime.dsm.SharedRegion;
import dev.iris.runtime.dsm.TransactionAbortedException;
import dev.iris.runtime.internal.Blocking;
import dev.iris.runtime.internal.LamportClock;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.LoopDeadline;
import dev.iris.runtime.internal.PeerLink;
import dev.iris.runtime.internal.store.PageLog;
import dev.iris.runtime.transport.FrameFormatException;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.ReplicaWire;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * One node's shared memory: the page table, the typed accessors with their fast path, and the
 * dispatch of memory frames to {@link Coherence} (pages) and {@link Sync} (locks and barriers).
 * Pages are arrays of little-endian 64-bit words.
 */
public final class Dsm implements SharedMemory {
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Eight bytes of a byte array as one little-endian long, at any index. */
    private static final VarHandle BYTES_AS_WORD = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final System.Logger LOG = Log.of(Dsm.class);

    final PeerLink link;
    final MemoryConfig config;
    final int self;
    private final int shift;
    private final long offsetMask;
    private final List<SharedRegion> layout;
    /** Page {@code n} (global page number) is {@code pages[n - 1]}. */
    final Page[] pages;
    /**
     * The data of every page this node owns at start until it is first written: a large region or
     * heap costs no memory where nothing was written. Never written itself ({@link #writable}).
     */
    private final long[] zeros;
    final int[] managers;
    /** The managers (not this node) not seen joining since this node started; its monitor guards the wait. */
    private final Set<Integer> unmet = ConcurrentHashMap.newKeySet();
    /** Accesses no longer wait for {@link #unmet}: it emptied, or a manager did not come by {@link #meetBy}. */
    private volatile boolean managersMet;
    /** Two failure timeouts after this node started: when accesses stop waiting for managers not met. */
    private final long meetBy;
    private final Map<Integer, String> names = new HashMap<>();
    final Coherence coherence;
    final Release release;
    final Sync sync;
    /** Backup copies and recovery after deaths; null unless {@link MemoryConfig#backup()}. */
    final Backup backup;
    final Recovery recovery;
    /** The page log and the agreement at start; null unless {@link MemoryConfig#persistent()}. */
    private final Durable durable;
    private final Restart restart;
    /** Where owned pages' new contents go before a write takes effect: the log, a backup, or null (nowhere). */
    final PageStore store;
    final Heap heap;
    /** The calling thread's transaction on this node, or null (per node: in-JVM nodes share threads). */
    private final ThreadLocal<Transaction> tx = new ThreadLocal<>();
    /** Transactions running on this node: accessors look at {@link #tx} only while there are any. */
    private volatile int transactions;
    private final AtomicInteger running = new AtomicInteger();
    /** How often a transaction is tried before it fails. */
    static final int MAX_ATTEMPTS = 64;
    private final LamportClock clock;
    private final AtomicLong messages = new AtomicLong();
    private final CopyOnWriteArrayList<Consumer<MemoryEvent>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean listening;
    /** Set first when the node closes: a wait that begins later fails at once. */
    private volatile boolean closed;
    /** What {@link #close} fails the waits under way with. */
    private final MemoryException shutdown;
    /** What each thread waits for in {@link #await}, failed when the node closes. */
    private final Map<Thread, CompletableFuture<?>> awaited = new ConcurrentHashMap<>();

    /**
     * The memory of the node behind {@code link}; a persistent one keeps its log in
     * {@code dataDirectory}, on {@code disk}.
     *
     * @throws IllegalArgumentException if regions are configured but no managers, or a region's
     *                                  home is not a manager or a node name, or the memory is
     *                                  persistent and this node has no data directory or is no manager
     * @throws MemoryException          if the page log of a persistent memory cannot be opened
     */
    public Dsm(PeerLink link, MemoryConfig config, Path dataDirectory, PageLog.Disk disk) {
        this.link = link;
        this.clock = link.clock();
        this.config = config;
        this.shutdown = new MemoryException("node '" + link.self().name() + "' is shutting down");
        this.self = link.self().number();
        this.shift = Integer.numberOfTrailingZeros(config.pageSize());
        this.offsetMask = config.pageSize() - 1;
        this.layout = config.layout();
        if (!layout.isEmpty() && config.managers().isEmpty()) {
            throw new IllegalArgumentException("the shared memory has regions but no manager nodes");
        }
        managers = new int[config.managers().size()];
        for (int i = 0; i < managers.length; i++) {
            NodeId id = NodeId.of(config.managers().get(i));
            managers[i] = id.number();
            names.put(id.number(), id.name());
            if (id.number() != self && !link.isLive(id.number())) {
                unmet.add(id.number());
            }
        }
        managersMet = unmet.isEmpty();
        meetBy = link.time().nanos() + 2 * link.failureTimeout().toNanos();
        names.put(self, link.self().name());
        if (config.backup() && !layout.isEmpty() && managers.length < 3) {
            throw new IllegalArgumentException("backup copies of pages need at least three managers (the nodes left "
                    + "after one dies must be a majority), not " + config.managers());
        }
        zeros = new long[config.pageSize() / 8];
        List<Page> table = new ArrayList<>();
        for (SharedRegion region : layout) {
            int homeNumber = 0;
            if (region.home() != null) {
                NodeId home = NodeId.of(region.home());
                homeNumber = home.number();
                names.put(homeNumber, home.name());
            }
            for (long a = region.base(); a < region.base() + region.bytes(); a += config.pageSize()) {
                long number = a >>> shift;
                int owner = homeNumber != 0 ? homeNumber : managers[(int) (number % managers.length)];
                Page page = new Page(number, region, owner);
                page.probOwner = owner;
                if (page.model == Page.RELEASE) {
                    if (owner == self) {
                        page.master = new long[config.pageSize() / 8];
                        page.masterVersion = 1;
                    }
                } else if (owner == self) {
                    page.owner = true;
                    page.data = zeros; // a page of its own at its first write (writable)
                    page.version = 1;
                    // with backups, writable once the memory opens (a restarted node may have been deposed)
                    page.state = config.backup() ? Page.INVALID : Page.WRITE;
                }
                table.add(page);
            }
        }
        pages = table.toArray(new Page[0]);
        coherence = new Coherence(this);
        release = new Release(this);
        sync = new Sync(this);
        durable = config.persistent() && !layout.isEmpty() ? openLog(dataDirectory, disk) : null;
        backup = config.backup() && !layout.isEmpty() ? new Backup(this, durable) : null;
        recovery = backup != null ? new Recovery(this) : null;
        heap = new Heap(this, () -> transactions != 0 && tx.get() != null);
        if (durable != null) {
            try {
                restart = new Restart(this, durable.logged(), durable.created());
                durable.forgetLogged();
            } catch (RuntimeException e) {
                durable.close();
                throw e;
            }
            restart.tryOpen(); // at once if this node is the only manager
        } else {
            restart = null;
        }
        store = backup != null ? backup : durable;
    }

    private Durable openLog(Path dataDirectory, PageLog.Disk disk) {
        if (dataDirectory == null) {
            throw new IllegalArgumentException("node '" + link.self().name() + "' has no data directory: a persistent "
                    + "shared memory keeps each node's pages in its own (NodeConfig.withDataDirectory)");
        }
        if (!isManagerNode(self)) {
            throw new IllegalArgumentException("node '" + link.self().name() + "' is not a manager of the persistent "
                    + "shared memory (" + config.managers() + "): at a restart the managers are the nodes asked for "
                    + "the newest copy of each page, so every node of a persistent cluster must be one");
        }
        try {
            return new Durable(this, dataDirectory, disk);
        } catch (IOException | RuntimeException e) {
            throw new MemoryException("node '" + link.self().name() + "' cannot open its page log in " + dataDirectory
                    + ": " + e.getMessage());
        }
    }

    /** Whether this node's persistent memory has not opened yet: its pages' owners are not decided. */
    boolean opening() {
        return restart != null && !restart.opened();
    }

    /** Closes a persistent memory that has not opened yet for good, saying {@code why}; false if it has opened. */
    boolean refuseOpening(String why) {
        return restart != null && restart.refuseOpening(why);
    }

    /** The page log of a persistent memory; null otherwise. */
    Durable durable() {
        return durable;
    }

    @Override
    public Optional<Durability> durability() {
        return restart == null ? Optional.empty() : Optional.of(restart.durability(durable.synced()));
    }

    /** The zero page every owned page starts as until its first write. */
    long[] zeros() {
        return zeros;
    }

    /** Whether {@code node} is one of the memory's managers. */
    boolean isManagerNode(int node) {
        for (int m : managers) {
            if (m == node) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ layout

    @Override
    public SharedHeap heap() {
        return heap;
    }

    @Override
    public int pageSize() {
        return config.pageSize();
    }

    @Override
    public List<SharedRegion> regions() {
        return layout;
    }

    @Override
    public SharedRegion region(String name) {
        for (SharedRegion region : layout) {
            if (region.name().equals(name)) {
                return region;
            }
        }
        throw new IllegalArgumentException("no shared region '" + name + "'; the regions are "
                + layout.stream().map(SharedRegion::name).toList());
    }

    /** The page holding {@code size} bytes at {@code address}, which must be aligned to {@code size}. */
    private Page page(long address, int size) {
        long index = (address >>> shift) - 1;
        if (Long.compareUnsigned(index, pages.length) >= 0) { // also below the first page and negative
            throw outside(address);
        }
        Page page = pages[(int) index];
        if ((address & (size - 1)) != 0) {
            throw new IllegalArgumentException("address 0x" + Long.toHexString(address) + " is not aligned to "
                    + size + " bytes");
        }
        if (!page.region.contains(address + size - 1)) {
            throw outside(address);
        }
        return page;
    }

    private IllegalArgumentException outside(long address) {
        return new IllegalArgumentException("address 0x" + Long.toHexString(address) + " is outside every shared region");
    }

    /** The page with global number {@code number}, or null if there is none. */
    Page pageNumber(long number) {
        return number >= 1 && number <= pages.length ? pages[(int) (number - 1)] : null;
    }

    /** {@code page N (region R, address 0x...)} for messages. */
    static String describe(Page page) {
        return "page " + page.number + " (region '" + page.region.name() + "')";
    }

    // ------------------------------------------------------------------ accessors
    // A page is an array of 64-bit words; byte i of the page is bits 8*(i%8).. of word i/8
    // (little-endian), so an aligned int is half a word and every access is one atomic word access.

    /** The words to read {@code p} from: this node's copy (faulting it in) or the transaction's. */
    private long[] readable(Page p) {
        return readable(p, true);
    }

    /** As {@link #readable(Page)}; {@code use}: whether the read counts as a use of the copy ({@link Page#used}). */
    private long[] readable(Page p, boolean use) {
        if (p.model == Page.TRANSACTIONAL && transactions != 0) {
            Transaction tx = this.tx.get();
            if (tx != null) {
                return tx.read(p);
            }
        }
        if (p.state != Page.INVALID) {
            if (use && !p.used) {
                p.used = true; // written once per copy: readers on other threads do not contend for it
            }
            return p.data;
        }
        return coherence.readFault(p);
    }

    @Override
    public int getInt(long address) {
        Page p = page(address, 4);
        int off = (int) (address & offsetMask);
        return (int) ((long) WORDS.getVolatile(readable(p), off >>> 3) >>> ((off & 4) << 3));
    }

    @Override
    public long getLong(long address) {
        Page p = page(address, 8);
        return (long) WORDS.getVolatile(readable(p), (int) (address & offsetMask) >>> 3);
    }

    /**
     * As {@link #getLong} for the heap's collector, whose reads of every live object are no sign
     * that this node will read them again: the copies it reads are not fetched ahead after a write.
     */
    long scanLong(long address) {
        Page p = page(address, 8);
        return (long) WORDS.getVolatile(readable(p, false), (int) (address & offsetMask) >>> 3);
    }

    @Override
    public double getDouble(long address) {
        return Double.longBitsToDouble(getLong(address));
    }

    private long update(long address, int size, long value, int op, long expected) {
        Page p = page(address, size);
        if (p.model == Page.RELEASE && (op == CAS || op == ADD)) {
            throw new IllegalStateException("atomic operations need a sequential or transactional region; '"
                    + p.region.name() + "' is release-consistent (use a lock)");
        }
        return update(p, (int) (address & offsetMask), value, op, expected, null, 0);
    }

    /**
     * The single write path: under the page's monitor, in state WRITE, faulting until it is. For
     * {@link #COPY}, {@code value} bytes of {@code from} at {@code fromOffset} go to page offset
     * {@code off} in one step.
     */
    private long update(Page p, int off, long value, int op, long expected, byte[] from, int fromOffset) {
        if (p.model == Page.TRANSACTIONAL && transactions != 0) {
            Transaction tx = this.tx.get();
            if (tx != null) {
                return apply(tx.write(p), off, op, value, expected, from, fromOffset);
            }
        }
        while (true) {
            Backup.Pending stored = null;
            long result = 0;
            synchronized (p) {
                if (p.state == Page.WRITE && p.pinned == null && p.replicating == null) {
                    if (store == null || p.model == Page.RELEASE) {
                        result = apply(writable(p), off, op, value, expected, from, fromOffset);
                        if (p.model != Page.RELEASE) {
                            p.version++;
                            coherence.wrote(p);
                        }
                        return result;
                    }
                    // the write takes effect when the page's new contents are durable, or kept by its backup:
                    // a thread that must not wait is refused before the write is under way
                    Blocking.check("a write of " + describe(p) + ", which waits until it is "
                            + (durable != null ? "durable" : "kept by its backup"));
                    long[] next = p.data.clone();
                    result = apply(next, off, op, value, expected, from, fromOffset);
                    if (op == CAS && result == 0) {
                        coherence.wrote(p); // nothing changed, nothing to store; a fault held the page for this try
                        return result;
                    }
                    stored = store.write(p, next, p.version + 1);
                } else if (p.pinned != null) {
                    coherence.awaitUnpinned(p);
                    continue;
                } else if (p.replicating != null) {
                    awaitStored(p);
                    continue;
                }
            }
            if (stored != null) {
                store.await(stored, "a write of " + describe(p) + " on node '" + link.self().name() + "'");
                return result;
            }
            if (p.model == Page.RELEASE) {
                release.makeDirty(p);
            } else {
                coherence.writeFault(p);
            }
        }
    }

    /**
     * Makes the pages from {@code from} to {@code to} this node's, each written once (a compare-and-set
     * of its first word, 0 for 0), with the write faults of all of them under way at once: for a
     * heap's new arena, whose pages then cost about one round trip instead of one each. If one
     * fails, the faults of the pages not written yet hold them for nobody, and their requests are
     * served again.
     */
    void own(long from, long to) {
        int size = config.pageSize();
        long written = from;
        try {
            for (long a = from; a < to; a += size) {
                coherence.startWriteFault(page(a, 8));
            }
            for (; written < to; written += size) {
                compareAndSet(written, 0, 0); // waits for the fault started above, which held the page for this write
            }
        } catch (RuntimeException | Error e) {
            for (long a = written; a < to; a += size) {
                coherence.abandonWrite(page(a, 8)); // nobody will write them: their faults hold them for nobody
            }
            throw e;
        }
    }

    /** The words of p to write in place (holding p's monitor): its own copy, made now if it still has none. */
    long[] writable(Page p) {
        if (p.data == zeros) {
            p.data = new long[zeros.length];
        }
        return p.data;
    }

    /** Applies one write operation to a page's words; returns the CAS result (1/0) or the value before. */
    private static long apply(long[] data, int off, int op, long value, long expected, byte[] from, int fromOffset) {
        if (op == COPY) {
            copyIn(from, fromOffset, data, off, (int) value);
            return 0;
        }
        int word = off >>> 3;
        long before = (long) WORDS.getVolatile(data, word);
        long result = before;
        switch (op) {
            case SET -> WORDS.setVolatile(data, word, value);
            case SET_INT -> {
                int shift = (off & 4) << 3;
                WORDS.setVolatile(data, word, before & ~(0xFFFF_FFFFL << shift)
                        | (value & 0xFFFF_FFFFL) << shift);
            }
            case CAS -> {
                result = before == expected ? 1 : 0;
                if (result == 1) {
                    WORDS.setVolatile(data, word, value);
                }
            }
            case ADD -> WORDS.setVolatile(data, word, before + value);
            default -> throw new AssertionError(op);
        }
        return result;
    }

    private static final int SET = 0;
    private static final int SET_INT = 1;
    private static final int CAS = 3;
    private static final int ADD = 4;
    private static final int COPY = 5;

    /** Copies {@code length} bytes of {@code from} into the page words at byte offset {@code off}. */
    private static void copyIn(byte[] from, int fromOffset, long[] words, int off, int length) {
        int i = 0;
        while (i < length) {
            int o = off + i;
            if ((o & 7) == 0 && length - i >= 8) {
                WORDS.setVolatile(words, o >>> 3, (long) BYTES_AS_WORD.get(from, fromOffset + i));
                i += 8;
            } else {
                int shift = (o & 7) << 3;
                long before = (long) WORDS.getVolatile(words, o >>> 3);
                WORDS.setVolatile(words, o >>> 3, before & ~(0xFFL << shift) | (from[fromOffset + i] & 0xFFL) << shift);
                i++;
            }
        }
    }

    /** Copies {@code length} bytes at byte offset {@code off} of the page words into {@code into}. */
    private static void copyOut(long[] words, int off, byte[] into, int intoOffset, int length) {
        int i = 0;
        while (i < length) {
            int o = off + i;
            long word = (long) WORDS.getVolatile(words, o >>> 3);
            if ((o & 7) == 0 && length - i >= 8) {
                BYTES_AS_WORD.set(into, intoOffset + i, word);
                i += 8;
            } else {
                into[intoOffset + i] = (byte) (word >>> ((o & 7) << 3));
                i++;
            }
        }
    }

    @Override
    public void setInt(long address, int value) {
        update(address, 4, value, SET_INT, 0);
    }

    @Override
    public void setLong(long address, long value) {
        update(address, 8, value, SET, 0);
    }

    @Override
    public void setDouble(long address, double value) {
        update(address, 8, Double.doubleToRawLongBits(value), SET, 0);
    }

    @Override
    public boolean compareAndSet(long address, long expected, long value) {
        return update(address, 8, value, CAS, expected) == 1;
    }

    @Override
    public long getAndAdd(long address, long delta) {
        return update(address, 8, delta, ADD, 0);
    }

    /** Page by page: each page's part is copied from one copy of the page, faulting at most once. */
    @Override
    public void read(long address, byte[] into, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, into.length);
        for (int i = 0; i < length; ) {
            long a = address + i;
            Page p = page(a, 1);
            int off = (int) (a & offsetMask);
            int n = chunk(p, a, off, length - i);
            copyOut(readable(p), off, into, offset + i, n);
            i += n;
        }
    }

    /** Page by page: each page's part is written in one step, which no other node sees half done. */
    @Override
    public void write(long address, byte[] from, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, from.length);
        for (int i = 0; i < length; ) {
            long a = address + i;
            Page p = page(a, 1);
            int off = (int) (a & offsetMask);
            int n = chunk(p, a, off, length - i);
            update(p, off, n, COPY, 0, from, offset + i);
            i += n;
        }
    }

    /** How many of {@code left} bytes from {@code address} (at {@code off} in {@code p}) lie in p; checks the end. */
    private int chunk(Page p, long address, int off, int left) {
        int n = (int) Math.min(left, offsetMask + 1 - off);
        if (!p.region.contains(address + n - 1)) {
            throw outside(p.region.base() + p.region.bytes());
        }
        return n;
    }

    // ------------------------------------------------------------------ transactions

    @Override
    public <T> T transaction(Supplier<T> body) {
        if (tx.get() != null) {
            return body.get(); // nested: part of the enclosing transaction
        }
        transactions = running.incrementAndGet();
        try {
            return attempts(body);
        } finally {
            transactions = running.decrementAndGet();
        }
    }

    private <T> T attempts(Supplier<T> body) {
        for (int attempt = 1; ; attempt++) {
            Transaction attemptTx = new Transaction(this);
            T result;
            boolean ran = true;
            this.tx.set(attemptTx);
            try {
                result = body.get();
            } catch (Transaction.Retry e) {
                result = null;
                ran = false;
            } catch (RuntimeException | Error e) {
                if (attemptTx.valid()) {
                    throw e; // the body failed on a consistent view: a real failure
                }
                result = null; // it saw an inconsistent view: try again
                ran = false;
            } finally {
                this.tx.remove();
            }
            if (ran && attemptTx.commit()) {
                event(MemoryEvent.Kind.TRANSACTION_COMMITTED, -1, 0, null);
                return result;
            }
            event(MemoryEvent.Kind.TRANSACTION_ABORTED, -1, 0, null);
            if (attempt == MAX_ATTEMPTS) {
                throw new TransactionAbortedException("a transaction on node '" + link.self().name()
                        + "' conflicted with others " + MAX_ATTEMPTS + " times in a row");
            }
            // randomized exponential backoff, so that conflicting transactions stop colliding
            long ceiling = 1_000L << Math.min(attempt, 10);
            link.time().park(this, link.time().nanos() + link.random().nextLong(ceiling));
        }
    }

    @Override
    public void transaction(Runnable body) {
        transaction(() -> {
            body.run();
            return null;
        });
    }

    // ------------------------------------------------------------------ synchronization

    /**
     * Gives {@code waits} each thread of this node that waits for a distributed lock, with the
     * lock's name, and {@code holds} each lock held on this node with its holder (a simulation's
     * deadlock check).
     */
    public void locks(BiConsumer<Thread, String> waits, BiConsumer<String, Thread> holds) {
        sync.locks(waits, holds);
    }

    @Override
    public DistributedLock lock(String name) {
        return sync.lock(name);
    }

    @Override
    public DistributedBarrier barrier(String name, int parties) {
        return sync.barrier(name, parties);
    }

    // ------------------------------------------------------------------ observation

    @Override
    public List<PageInfo> snapshot() {
        List<PageInfo> infos = new ArrayList<>(pages.length);
        for (Page p : pages) {
            synchronized (p) {
                List<String> copyset = p.copyset.stream().map(this::nameOf).toList();
                infos.add(new PageInfo(p.number, p.region.name(), PageInfo.State.values()[p.state], p.owner,
                        nameOf(p.owner ? self : p.probOwner), copyset, p.version, p.readFaults, p.writeFaults,
                        p.invalidations));
            }
        }
        return infos;
    }

    @Override
    public synchronized void addListener(Consumer<MemoryEvent> listener) {
        listeners.add(listener);
        listening = true;
    }

    @Override
    public synchronized void removeListener(Consumer<MemoryEvent> listener) {
        listeners.remove(listener);
        listening = !listeners.isEmpty();
    }

    @Override
    public long messagesSent() {
        return messages.get();
    }

    /** Reports an event if anyone listens; {@code peer} is a node number or 0. */
    void event(MemoryEvent.Kind kind, long page, int peer, String name) {
        if (listening) {
            MemoryEvent e = new MemoryEvent(kind, link.self().name(), page, peer == 0 ? null : nameOf(peer), name,
                    link.eventNanos(), clock.now());
            for (Consumer<MemoryEvent> listener : listeners) {
                try {
                    listener.accept(e);
                } catch (RuntimeException failure) {
                    // a listener runs inside protocol steps: it must never break one
                    LOG.log(System.Logger.Level.WARNING, "a memory event listener failed on " + e, failure);
                }
            }
        }
    }

    String nameOf(int node) {
        String name = names.get(node);
        return name != null ? name : link.nameOf(node);
    }

    // ------------------------------------------------------------------ clock, frames, membership

    /** The node's Lamport clock now, without advancing it. */
    long clockNow() {
        return clock.now();
    }

    /** Advances the node's Lamport clock ({@link PeerLink#clock()}) for a local step or a send. */
    long tick() {
        return clock.tick();
    }

    /** Advances the node's Lamport clock past a received time. */
    long receive(long remote) {
        return clock.receive(remote);
    }

    /** Sends a memory frame to a live peer; false (payload released) if it is not live. */
    boolean send(int node, FrameKind kind, ByteBuf payload) {
        return send(node, kind, payload, null);
    }

    /** As {@link #send(int, FrameKind, ByteBuf)}; the loop that writes it keeps {@code deadline} if not null. */
    boolean send(int node, FrameKind kind, ByteBuf payload, LoopDeadline deadline) {
        messages.incrementAndGet(); // before: the answer may be back before send returns
        boolean sent = deadline == null ? link.send(node, kind, payload) : link.send(node, kind, payload, deadline);
        if (!sent) {
            messages.decrementAndGet();
        }
        return sent;
    }

    /** Sends a memory frame whose order does not matter ({@link PeerLink#sendUnordered}); false if not live. */
    boolean sendUnordered(int node, FrameKind kind, ByteBuf payload) {
        messages.incrementAndGet();
        boolean sent = link.sendUnordered(node, kind, payload);
        if (!sent) {
            messages.decrementAndGet();
        }
        return sent;
    }

    boolean isManager(Page p) {
        return config.management() == PageManagement.FIXED && manager(p) == self;
    }

    /** The first manager from {@code page mod managers} on that {@code accept}s, or 0. */
    int firstManager(long page, IntPredicate accept) {
        int start = (int) (page % managers.length);
        for (int k = 0; k < managers.length; k++) {
            int m = managers[(start + k) % managers.length];
            if (accept.test(m)) {
                return m;
            }
        }
        return 0;
    }

    int manager(Page p) {
        return recovery != null ? recovery.manager(p.number) : managers[(int) (p.number % managers.length)];
    }

    /** Handles a memory frame from live peer {@code from} (on a Netty event loop). */
    public void onFrame(int from, FrameKind kind, ByteBuf payload) {
        switch (kind) {
            case PAGE_REQUEST, PAGE, INVALIDATE, INVALIDATE_ACK, PAGE_FAIL -> coherence.onFrame(from, kind, payload);
            case DIFF, DIFF_ACK -> release.onFrame(from, kind, payload);
            case SYNC -> sync.onFrame(from, payload);
            case HEAP, HEAP_REPLY -> heap.collector.onFrame(from, kind, payload);
            case PLACE, PLACED -> heap.placement.onFrame(from, kind, payload);
            case REPLICA, REPLICA_ACK -> withBackups(kind).onFrame(from, kind, payload);
            case CENSUS, CENSUS_REPLY -> {
                if (kind == FrameKind.CENSUS && layout.isEmpty()) {
                    answerWithoutMemory(from, ReplicaWire.readCensus(payload));
                    return;
                }
                withBackups(kind);
                recovery.onFrame(from, kind, payload);
            }
            case LOGGED -> {
                if (restart == null) {
                    throw new FrameFormatException("LOGGED frame to node '" + link.self().name() + "', whose shared "
                            + "memory is not persistent: do all nodes run the same system?");
                }
                restart.onFrame(from, payload);
            }
            default -> throw new FrameFormatException("not a memory frame: " + kind);
        }
    }

    /**
     * A census of a cluster with backup copies, at a node without shared memory (a client that only
     * sends messages): it owns and holds no page, so it answers every question with nothing, and
     * ignores the status every node sends a peer that joins.
     */
    private void answerWithoutMemory(int from, ReplicaWire.Census c) {
        receive(c.clock());
        if (c.mode() != ReplicaWire.STATUS) {
            send(from, FrameKind.CENSUS_REPLY, ReplicaWire.reply(link.alloc(), c.census(), tick(), true, List.of()));
        }
    }

    /** This node's backups, for a frame of {@code kind}; a peer that sends one to a node without them is refused. */
    private Backup withBackups(FrameKind kind) {
        if (backup == null) {
            throw new FrameFormatException(kind + " frame to node '" + link.self().name() + "', whose shared "
                    + "memory keeps no backup copies: do all nodes run the same system?");
        }
        return backup;
    }

    /**
     * The node is closing: every fault under way fails (the event loops that keep their waiters'
     * deadlines are stopping), and every other wait in {@link #await}; a wait that begins later
     * fails at once, as its request may find no connection to leave on.
     */
    public void close() {
        closed = true; // first: a wait registered before a waiter reads this is failed below
        if (durable != null) {
            durable.close(); // the writes under way end first; those that wait fail below
        }
        awaited.values().forEach(w -> w.completeExceptionally(shutdown));
        for (Page p : pages) {
            synchronized (p) {
                Page.Fault f = p.fault;
                if (f != null) {
                    p.fault = null;
                    MemoryException failure = new MemoryException("cannot access " + describe(p) + ": node '"
                            + link.self().name() + "' is shutting down");
                    f.fail(failure);
                    if (f.displaced != null) {
                        f.displaced.fail(failure); // its waiters waited for this one
                    }
                }
            }
        }
        heap.placement.close();
    }

    /** Node {@code node} is dead: forget its copies, fail what waits on it, pass its locks on. */
    public void nodeDied(int node) {
        if (restart != null) {
            restart.nodeDied(node);
        }
        sync.managerDying(node); // before a new manager is known: it grants nothing until its census
        if (recovery != null) {
            recovery.nodeDied(node); // first: pages it manages now wait for their census
        }
        coherence.nodeDied(node);
        release.nodeDied(node);
        sync.nodeDied(node);
        heap.collector.nodeDied(node);
        heap.placement.nodeDied(node);
        if (backup != null) {
            backup.nodeDied(node);
        }
    }

    /** Peer {@code node} became live (this node's connection to it is up). */
    public void nodeJoined(int node) {
        if (unmet.remove(node) && unmet.isEmpty()) {
            synchronized (unmet) {
                managersMet = true;
                unmet.notifyAll();
            }
        }
        if (restart != null) {
            restart.nodeJoined(node);
        }
        heap.collector.nodeJoined(node);
        sync.nodeJoined(node);
        if (recovery != null) {
            recovery.nodeJoined(node);
        }
    }

    /**
     * p's pending write ended, stored or not (holding p's monitor): waiting writers and readers go
     * on, and so do the requests queued meanwhile; a page held for its writer is held no longer.
     */
    void released(Page p) {
        p.notifyAll();
        coherence.wrote(p);
        coherence.drain(p);
    }

    /** Waits (holding p's monitor) until p's pending write is stored: durable, or kept by its backup. */
    void awaitStored(Page p) {
        awaitWhile(p, () -> p.replicating != null, "a write of " + describe(p) + " waited for the one before to be "
                + (backup != null ? "stored by its backup" : "made durable"));
    }

    /**
     * Waits until this node's memory is open, for {@code what} needs no page but its manager (a lock
     * or a barrier): a persistent memory's owners decided, the managers' statuses heard with backup
     * copies. A manager that has not joined yet is not taken for dead then.
     */
    void awaitOpen(String what) {
        if (restart != null && !restart.opened()) {
            restart.awaitOpen(what);
        }
        if (recovery != null) {
            recovery.admit();
        } else {
            awaitManagers(what);
        }
    }

    /**
     * Without backup copies (whose memory opens once every manager was heard): waits until every
     * manager has joined since this node started, so that an access at start does not take a
     * manager it has not met yet (they start together) for dead; for up to two failure timeouts after
     * the start, after which a manager still missing is taken for dead as before.
     */
    void awaitManagers(String what) {
        if (managersMet) {
            return;
        }
        if (link.time().left(meetBy) <= 0) {
            giveUpOnUnmet();
            return;
        }
        Blocking.check(what);
        synchronized (unmet) {
            try {
                while (!managersMet) {
                    if (link.time().timedWait(unmet, meetBy)) {
                        giveUpOnUnmet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MemoryException("interrupted: " + what + " on node '" + link.self().name()
                        + "' waited for the memory's managers to join");
            }
        }
    }

    /** A manager did not join by {@link #meetBy}: from now on this node takes those still missing for dead. */
    private void giveUpOnUnmet() {
        synchronized (unmet) {
            if (managersMet) {
                return;
            }
            managersMet = true;
            LOG.log(System.Logger.Level.WARNING, "Node ''{0}'': manager{1} {2} did not join within {3} ms of its "
                    + "start; its memory takes {4} for dead", link.self().name(), unmet.size() > 1 ? "s" : "",
                    unmet.stream().map(this::nameOf).sorted().toList(), 2 * link.failureTimeout().toMillis(),
                    unmet.size() > 1 ? "them" : "it");
        }
    }

    /** Waits (holding p's monitor) while {@code p} is recovering: its owner is being found after a death, or at start. */
    void awaitRecovered(Page p) {
        if (restart != null && !restart.opened()) {
            restart.awaitOpen(p);
        } else if (recovery != null) {
            recovery.awaitRecovered(p);
        }
    }

    /**
     * Waits, holding p's monitor, while {@code busy} holds, up to the fault timeout; then (or when
     * interrupted) fails with a MemoryException: "{@code what} on node N ...".
     */
    void awaitWhile(Page p, BooleanSupplier busy, String what) {
        if (busy.getAsBoolean()) {
            Blocking.check(what);
        }
        long deadline = link.time().nanos() + config.faultTimeout().toNanos();
        try {
            while (busy.getAsBoolean()) {
                if (link.time().timedWait(p, deadline)) {
                    throw new MemoryException(what + " on node '" + link.self().name() + "' for "
                            + config.faultTimeout().toMillis() + " ms");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MemoryException("interrupted: " + what + " on node '" + link.self().name() + "'");
        }
    }

    /**
     * Waits for a fault or a publication, up to the fault timeout; turns every way of not getting
     * it into a MemoryException named by {@code what} (built only then). {@code onGiveUp} learns
     * whether the wait timed out (else it was interrupted).
     */
    <T> T await(CompletableFuture<T> done, Supplier<String> what, Consumer<Boolean> onGiveUp) {
        if (!done.isDone() && Blocking.forbidden()) {
            onGiveUp.accept(false); // as if interrupted: nobody waits any more
            throw new Blocking.Refused(what.get()); // the description is built only now
        }
        Thread self = Thread.currentThread();
        CompletableFuture<?> outer = awaited.put(self, done); // a wait inside a wait (simulation: loop tasks)
        try {
            if (closed && !done.isDone()) {
                throw closedUnder(what, onGiveUp);
            }
            return link.time().get(done, link.time().nanos() + config.faultTimeout().toNanos());
        } catch (TimeoutException e) {
            throw timedOut(what, onGiveUp);
        } catch (InterruptedException e) {
            throw interrupted(what, onGiveUp);
        } catch (ExecutionException e) {
            throw e.getCause() == shutdown ? new MemoryException(what.get() + " cannot complete: "
                    + shutdown.getMessage()) : new MemoryException(e.getCause().getMessage());
        } finally {
            if (outer != null) {
                awaited.put(self, outer);
            } else {
                awaited.remove(self, done);
            }
        }
    }

    /**
     * As {@link #await(CompletableFuture, Supplier, Consumer)} for a fault, by the thread that
     * started it when {@code wait} is its wait: then, if an event loop keeps its deadline, the thread
     * parks without a time-out.
     */
    long[] await(CompletableFuture<long[]> done, FaultWait wait, Supplier<String> what, Consumer<Boolean> onGiveUp) {
        if (wait == null || !wait.loopDeadline()) {
            return await(done, what, onGiveUp);
        }
        CompletableFuture<long[]> outcome = wait.outcome();
        if (!outcome.isDone() && Blocking.forbidden()) {
            wait.taken();
            onGiveUp.accept(false);
            throw new Blocking.Refused(what.get());
        }
        try {
            if (closed && !outcome.isDone()) {
                throw closedUnder(what, onGiveUp); // a fault the closing node's sweep did not see
            }
            return outcome.get();
        } catch (InterruptedException e) {
            throw interrupted(what, onGiveUp);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TimeoutException) {
                throw timedOut(what, onGiveUp);
            }
            throw new MemoryException(e.getCause().getMessage());
        } finally {
            wait.taken();
        }
    }

    /** A wait for a fault started by this thread, if faults' deadlines are kept by event loops. */
    FaultWait faultWait(Page.Fault f) {
        return new FaultWait(link.time(), config.faultTimeout().toNanos(), f.done);
    }

    private MemoryException timedOut(Supplier<String> what, Consumer<Boolean> onGiveUp) {
        onGiveUp.accept(true);
        return new MemoryException(what.get() + " timed out after " + config.faultTimeout().toMillis() + " ms on node '"
                + link.self().name() + "'");
    }

    private MemoryException closedUnder(Supplier<String> what, Consumer<Boolean> onGiveUp) {
        onGiveUp.accept(false);
        return new MemoryException(what.get() + " cannot complete: node '" + link.self().name() + "' is shutting down");
    }

    private MemoryException interrupted(Supplier<String> what, Consumer<Boolean> onGiveUp) {
        onGiveUp.accept(false);
        Thread.currentThread().interrupt();
        return new MemoryException(what.get() + " was interrupted on node '" + link.self().name() + "'");
    }
}
