package dev.iris.runtime.dsm;

/** How a node finds the owner of a page (IVY's distributed managers), chosen per cluster. */
public enum PageManagement {
    /**
     * The fixed distributed manager: page {@code n} is managed by manager node
     * {@code n mod managers}, which knows its owner and forwards every fault there.
     */
    FIXED,
    /**
     * The dynamic distributed manager: every node keeps a probable owner per page and sends a
     * fault there; a node that is not the owner forwards it along its own probable owner.
     */
    DYNAMIC
}
