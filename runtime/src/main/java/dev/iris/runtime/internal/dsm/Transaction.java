package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.transport.ReplicaWire;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * One attempt of an optimistic transaction over the pages of transactional regions (Rainbow OS):
 * the first access to a page takes a private copy and records its version (the read set); writes
 * go to the copies (the write set). Every new copy first checks that the earlier ones are
 * unchanged, so the body sees one snapshot. Commit, in the manner of Silo: pin the written pages in page
 * order (ownership, nobody else may write or take them), check that no page read or written
 * changed since its copy was taken and none is pinned by another transaction, then install the
 * written copies and unpin. A check that fails aborts the attempt; nothing was changed.
 */
final class Transaction {
    private final Dsm dsm;
    /** By page number: commit pins in this order. */
    private final TreeMap<Long, Entry> entries = new TreeMap<>();

    private static final class Entry {
        final Page page;
        final long[] copy;
        final long version;
        boolean written;

        Entry(Page page, long[] copy, long version) {
            this.page = page;
            this.copy = copy;
            this.version = version;
        }
    }

    /** Thrown into a body whose view stopped being a snapshot: the attempt is discarded and retried. */
    static final class Retry extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Retry() {
            super("the transaction's view changed", null, false, false);
        }
    }

    Transaction(Dsm dsm) {
        this.dsm = dsm;
    }

    /** The transaction's copy of {@code p}, for reading. */
    long[] read(Page p) {
        return entry(p).copy;
    }

    /** The transaction's copy of {@code p}, for writing. */
    long[] write(Page p) {
        Entry e = entry(p);
        e.written = true;
        return e.copy;
    }

    private Entry entry(Page p) {
        Entry e = entries.get(p.number);
        if (e != null) {
            return e;
        }
        boolean faulted = false;
        while (e == null) {
            synchronized (p) {
                if (p.state != Page.INVALID) {
                    e = new Entry(p, p.data.clone(), p.version);
                    p.used |= !faulted; // as Dsm's reads: an access that waited for the copy is not a use
                }
            }
            if (e == null) {
                dsm.coherence.readFault(p);
                faulted = true;
            }
        }
        // opacity: the pages copied before must still be as they were, so that the body only ever
        // sees one snapshot of memory (and never, say, loops on a broken invariant)
        if (!valid()) {
            throw new Retry();
        }
        entries.put(p.number, e);
        return e;
    }

    /** Whether every page is still as this transaction saw it (for a body that failed). */
    boolean valid() {
        for (Entry e : entries.values()) {
            if (!unchanged(e)) {
                return false;
            }
        }
        return true;
    }

    private boolean unchanged(Entry e) {
        Page p = e.page;
        synchronized (p) {
            return p.state != Page.INVALID && p.version == e.version && (p.pinned == null || p.pinned == this);
        }
    }

    /** Validates and publishes; returns false (and changes nothing) on a conflict. */
    boolean commit() {
        List<Page> pinned = new ArrayList<>();
        boolean handedOver = false;
        try {
            for (Entry e : entries.values()) {
                if (e.written) {
                    boolean same = dsm.coherence.pin(e.page, this, e.version);
                    pinned.add(e.page);
                    if (!same) {
                        return false;
                    }
                }
            }
            for (Entry e : entries.values()) {
                if (!e.written && !unchanged(e)) {
                    return false;
                }
            }
            Backup.Pending copied = dsm.store != null && !pinned.isEmpty() ? dsm.store.commit(copies()) : null;
            if (copied != null) {
                try {
                    dsm.store.await(copied, "the commit of a transaction on pages " + pages());
                } catch (RuntimeException notConfirmed) {
                    // the log or the backups may still store it: the pages stay pinned until they have, or it failed
                    handedOver = true;
                    copied.done.whenComplete((stored, failed) -> {
                        install(failed == null);
                        pinned.forEach(p -> dsm.coherence.unpin(p, this));
                    });
                    throw notConfirmed;
                }
            }
            install(true);
            return true;
        } finally {
            if (!handedOver) {
                for (Page p : pinned) {
                    dsm.coherence.unpin(p, this);
                }
            }
        }
    }

    /**
     * Publishes the written pages (pinned): with {@code data}, their new contents at the version
     * {@link #copies} gave them; without, the old contents at the version after it (a backup or the
     * log may keep the failed commit's copies at theirs).
     */
    private void install(boolean data) {
        for (Entry e : entries.values()) {
            if (e.written) {
                synchronized (e.page) {
                    if (data) {
                        System.arraycopy(e.copy, 0, dsm.writable(e.page), 0, e.copy.length);
                    }
                    e.page.version += data ? 1 : 2; // a failed commit's version may name its contents elsewhere
                }
            }
        }
    }

    /** The written pages' new contents (pinned), at their next versions: what the log or the backups keep. */
    private List<ReplicaWire.Copy> copies() {
        List<ReplicaWire.Copy> copies = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.written) {
                synchronized (e.page) {
                    copies.add(new ReplicaWire.Copy(e.page.number, e.page.version + 1, e.copy));
                }
            }
        }
        return copies;
    }

    /** The pages this attempt touched, for messages. */
    List<Long> pages() {
        return List.copyOf(entries.keySet());
    }
}
