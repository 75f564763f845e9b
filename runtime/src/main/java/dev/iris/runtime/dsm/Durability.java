package dev.iris.runtime.dsm;

import java.util.Objects;

/**
 * Where a node of a persistent shared memory stands ({@link SharedMemory#durability()}): whether
 * its memory has opened, how far its page log is on the disk.
 *
 * @param phase    {@link Phase#WAITING} until every manager said what its log holds,
 *                 {@link Phase#OPEN} after, {@link Phase#CLOSED} if it cannot open ({@code problem})
 * @param synced   the sequence number of the last record of the node's page log known to be on its
 *                 disk (0: none yet)
 * @param heard    the managers whose logs the node knows of, itself included (all of them once open)
 * @param managers the memory's managers
 * @param problem  why the memory cannot open, or null
 */
public record Durability(Phase phase, long synced, int heard, int managers, String problem) {
    /** Whether a node's persistent memory is open. */
    public enum Phase {
        /** Waiting to hear from every manager what its page log holds. */
        WAITING,
        /** Open: every page has its owner. */
        OPEN,
        /** It cannot open; {@link Durability#problem} says why. */
        CLOSED
    }

    public Durability {
        Objects.requireNonNull(phase, "phase");
        if (synced < 0 || heard < 0 || managers < heard) {
            throw new IllegalArgumentException("synced " + synced + ", heard " + heard + " of " + managers);
        }
    }
}
