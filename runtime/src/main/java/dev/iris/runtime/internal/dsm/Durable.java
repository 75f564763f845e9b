package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.dsm.MemoryException;
import dev.iris.runtime.internal.Log;
import dev.iris.runtime.internal.store.PageLog;
import dev.iris.runtime.transport.ReplicaWire;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The writes of a persistent memory ({@code MemoryConfig.persistent}) on one node: before a write
 * to an owned page returns, the page's new contents are appended to the node's {@link PageLog} and
 * forced to its disk; only then does the write take effect here (the page is busy meanwhile, as for
 * a backup copy), so no reader on any node sees a write that a power cut could take back. Writes
 * of several pages force together ({@link PageLog#sync}: group commit).
 *
 * <p>The log's I/O runs on threads of its own, never on a process's thread or an event loop: a
 * thread interrupted in a write closes the file for every thread, and a process carried by an
 * event loop must not hold it through an {@code fsync}. A write whose record could not be made
 * durable fails, and the log is used no further: every later write to an owned page fails, naming
 * the file. Such a write did not take effect here, but its record may be on the disk and come back
 * when the cluster restarts: its outcome is unknown, as the exception says.
 */
final class Durable implements PageStore {
    /** The log's file in the node's data directory. */
    static final String LOG_FILE = "pages.log";
    private static final System.Logger LOG = Log.of(Durable.class);
    /** Threads that append and force at once: a force covers the records written before it began. */
    private static final int WRITERS = 8;
    /** A log smaller than this is not compacted. */
    static final long COMPACT_BYTES = 64L << 20;

    private final Dsm dsm;
    private final PageLog log;
    private final ExecutorService io;
    private final AtomicBoolean compacting = new AtomicBoolean();

    /**
     * Opens (or makes) the page log in {@code directory}, reading what it holds.
     *
     * @throws IOException if the directory or log cannot be made or read, or is not a page log of
     *                     this format and page size (the message names the file)
     */
    Durable(Dsm dsm, Path directory, PageLog.Disk disk) throws IOException {
        this.dsm = dsm;
        Files.createDirectories(directory);
        this.log = PageLog.open(directory.resolve(LOG_FILE), dsm.config.pageSize(), disk);
        if (log.dropped() != null) {
            LOG.log(System.Logger.Level.WARNING, "Node ''{0}'': {1}", dsm.link.self().name(), log.dropped());
        }
        this.io = dsm.link.blockingIo("iris-log-" + dsm.link.self().name() + "-", WRITERS);
    }

    /** Per page, the newest record the log held when the node started (until {@link #forgetLogged}). */
    Map<Long, PageLog.Entry> logged() {
        return log.latest();
    }

    /** The sequence number of the last record known to be on the disk. */
    long synced() {
        return log.synced();
    }

    /** Whether the log was made at this start: the node has no log from an earlier run. */
    boolean created() {
        return log.created();
    }

    /** The memory took what the log held at start: the log need not keep it too. */
    void forgetLogged() {
        log.forgetLatest();
    }

    /**
     * Starts making {@code next}, the contents of owned page {@code p} after a write, durable
     * (holding p's monitor). The write takes effect ({@code p.data = next}, {@code p.version =
     * version}) once it is; until then the page is busy, and readers see it as it was.
     */
    @Override
    public Backup.Pending write(Page p, long[] next, long version) {
        Backup.Pending w = new Backup.Pending(version, List.of(new ReplicaWire.Copy(p.number, version, next)),
                stored -> { });
        if (io.isShutdown()) {
            throw closing();
        }
        p.replicating = w; // the log's thread waits for p's monitor, which the caller holds
        log(List.of(new PageLog.Image(p.number, version, next)), () -> "a write of " + Dsm.describe(p))
                .whenComplete((durable, failure) -> {
                    synchronized (p) {
                        if (p.replicating == w) {
                            if (failure == null) {
                                p.data = next;
                            }
                            // a failed write does not take effect here, but its record may be on the disk: the
                            // contents as they stay get a version after it
                            p.version = Math.max(p.version, failure == null ? version : version + 1);
                            p.replicating = null;
                            dsm.released(p);
                        }
                    }
                    if (failure == null) {
                        w.done.complete(null);
                    } else {
                        w.done.completeExceptionally(failure);
                    }
                });
        return w;
    }

    /**
     * Appends {@code images} to the log as one record (a restart finds all of them or none) and
     * forces it, on a log thread; the result completes then, or fails with a {@link MemoryException}
     * that names {@code what} (whose outcome is then unknown: its record may be on the disk).
     */
    CompletableFuture<Void> log(List<PageLog.Image> images, Supplier<String> what) {
        CompletableFuture<Void> durable = new CompletableFuture<>();
        try {
            io.execute(() -> {
                try {
                    log.sync(log.append(images));
                } catch (IOException | RuntimeException e) {
                    durable.completeExceptionally(notDurable(what.get(), e));
                    return;
                }
                maybeCompact();
                durable.complete(null);
            });
        } catch (RejectedExecutionException e) {
            durable.completeExceptionally(closing());
        }
        return durable;
    }

    /**
     * Starts making a committing transaction's pages (all pinned by it) durable, in one record: a
     * restart finds all of them or none. The transaction installs them once they are.
     */
    @Override
    public Backup.Pending commit(List<ReplicaWire.Copy> pages) {
        Backup.Pending w = new Backup.Pending(pages.get(0).version(), pages, stored -> { });
        List<PageLog.Image> images = pages.stream().map(c -> new PageLog.Image(c.page(), c.version(), c.data()))
                .toList();
        log(images, () -> "the commit of a transaction on pages "
                + pages.stream().map(ReplicaWire.Copy::page).toList()).whenComplete((durable, failure) -> {
                    if (failure == null) {
                        w.done.complete(null);
                    } else {
                        w.done.completeExceptionally(failure);
                    }
                });
        return w;
    }

    private MemoryException closing() {
        return new MemoryException("node '" + dsm.link.self().name() + "' is shutting down: its page log takes no "
                + "more writes");
    }

    /**
     * Compacts the log on a log thread once it holds four times what its newest images need (and at
     * least {@link #COMPACT_BYTES}): it would otherwise grow by a page image per write.
     */
    private void maybeCompact() {
        if (log.size() > Math.max(COMPACT_BYTES, 4 * log.liveSize()) && compacting.compareAndSet(false, true)) {
            try {
                io.execute(() -> {
                    try {
                        log.compact();
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.WARNING, "Node ''{0}'': compacting its page log: {1}",
                                dsm.link.self().name(), e.getMessage());
                    } finally {
                        compacting.set(false);
                    }
                });
            } catch (RejectedExecutionException closing) {
                compacting.set(false);
            }
        }
    }

    private MemoryException notDurable(String what, Exception e) {
        return new MemoryException(what + " on node '" + dsm.link.self().name() + "' could not be made durable ("
                + e.getMessage() + "); it did not take effect, but may come back when the cluster restarts");
    }

    /** Waits until {@code w} is durable; {@code what} names the write or commit. */
    @Override
    public void await(Backup.Pending w, String what) {
        dsm.await(w.done, () -> what + " waited to be made durable (it may still take effect)", timedOut -> { });
    }

    /** Stops: a write still under way may finish or fail; the log is closed after. */
    void close() {
        io.shutdown();
        try {
            if (!io.awaitTermination(dsm.config.faultTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "Node ''{0}'': writes to its page log were still under way "
                        + "when it closed", dsm.link.self().name());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            log.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Node ''{0}'': closing its page log: {1}", dsm.link.self().name(),
                    e.toString());
        }
    }
}
