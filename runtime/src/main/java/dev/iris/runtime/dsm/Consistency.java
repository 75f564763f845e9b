package dev.iris.runtime.dsm;

/** The consistency model of a shared region, chosen per shared object. */
public enum Consistency {
    /**
     * Sequential consistency (IVY): single writer, multiple readers, write-invalidate. Every read
     * returns the latest write to its address in one order all nodes agree on.
     */
    SEQUENTIAL,
    /**
     * Release consistency with multiple writers (TreadMarks, Munin): writes become visible to
     * another node only after the writer releases a lock or passes a barrier and the reader then
     * acquires that lock or passes that barrier.
     */
    RELEASE,
    /**
     * Optimistic transactions over pages (Rainbow OS): reads and writes happen inside
     * a transaction, which validates at commit and retries on conflict.
     */
    TRANSACTIONAL
}
