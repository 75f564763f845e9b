package dev.iris.runtime.internal.dsm;

import dev.iris.runtime.transport.ReplicaWire;
import java.util.List;

/**
 * Where an owned page's new contents go before a write takes effect: a backup node
 * ({@link Backup}) or the node's page log ({@link Durable}). The write is applied to a clone; the
 * page is busy ({@link Page#replicating}) until the store has it.
 */
interface PageStore {
    /**
     * Starts storing {@code next}, the contents of owned page {@code p} after a write (holding p's
     * monitor); the write takes effect ({@code p.data = next}, {@code p.version = version}) once it
     * is stored.
     */
    Backup.Pending write(Page p, long[] next, long version);

    /** Starts storing a committing transaction's pages (all pinned by it) together: all or none. */
    Backup.Pending commit(List<ReplicaWire.Copy> pages);

    /** Waits until {@code w} is stored; {@code what} names the write or commit for a failure's message. */
    void await(Backup.Pending w, String what);
}
