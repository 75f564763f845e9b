package demo.index;

import dev.iris.runtime.dsm.DistributedLock;

/**
 * An indexer: a skip list on the shared heap, changed under the index's lock by the indexer of
 * whichever node a client reached, read without a lock by any of them. An entry is fully written
 * before it is linked in, bottom level first; a deleted entry is unlinked top level first and
 * keeps its successors, so a reader standing on it goes on; the heap's collector frees it once no
 * reader holds it and nothing links to it.
 */
public class Indexer extends AbstractIndexer {
    /** The most levels an entry has. */
    static final int LEVELS = 8;

    @Override
    protected Done onPut(Put message) {
        DistributedLock lock = index().lock();
        lock.lock();
        try {
            Entry[] before = before(message.key());
            Entry found = before[0].getNext(0);
            if (found != null && found.getKey() == message.key()) {
                found.setValue(message.value());
                return new Done(false);
            }
            Entry entry = Entry.allocate(kernel().memory(), levels(message.key()));
            entry.setKey(message.key());
            entry.setValue(message.value());
            for (int level = 0; level < entry.length(); level++) {
                entry.setNext(level, before[level].getNext(level));
            }
            for (int level = 0; level < entry.length(); level++) {
                before[level].setNext(level, entry);
            }
            return new Done(true);
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected Done onDelete(Delete message) {
        DistributedLock lock = index().lock();
        lock.lock();
        try {
            Entry[] before = before(message.key());
            Entry found = before[0].getNext(0);
            if (found == null || found.getKey() != message.key()) {
                return new Done(false);
            }
            for (int level = found.length() - 1; level >= 0; level--) {
                before[level].setNext(level, found.getNext(level));
            }
            return new Done(true);
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected Found onRange(Range message) {
        Entry head = index().getHead();
        if (head == null) {
            return new Found(0, 0);
        }
        Entry at = head;
        for (int level = LEVELS - 1; level >= 0; level--) {
            for (Entry next = at.getNext(level); next != null && next.getKey() < message.from(); next = at.getNext(level)) {
                at = next;
            }
        }
        long count = 0;
        long sum = 0;
        for (Entry e = at.getNext(0); e != null && e.getKey() <= message.to(); e = e.getNext(0)) {
            count++;
            sum += e.getValue();
        }
        return new Found(count, sum);
    }

    /** Under the lock: per level, the last entry with a key below {@code key} (the head if none). */
    private Entry[] before(long key) {
        Entry head = index().getHead();
        if (head == null) {
            head = Entry.allocate(kernel().memory(), LEVELS);
            head.setKey(Long.MIN_VALUE);
            index().setHead(head);
        }
        Entry[] before = new Entry[LEVELS];
        Entry at = head;
        for (int level = LEVELS - 1; level >= 0; level--) {
            for (Entry next = at.getNext(level); next != null && next.getKey() < key; next = at.getNext(level)) {
                at = next;
            }
            before[level] = at;
        }
        return before;
    }

    /** An entry's levels, from its key: one level in two, two in four, and so on, the same on every run. */
    static int levels(long key) {
        long mixed = key * 0x9E3779B97F4A7C15L;
        return Math.min(LEVELS, 1 + Long.numberOfTrailingZeros(mixed >>> 1 | 1L << 62));
    }
}
