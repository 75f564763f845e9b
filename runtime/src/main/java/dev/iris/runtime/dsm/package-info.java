/**
 * Distributed shared memory: one global 64-bit address space, divided into pages, shared by the
 * nodes of a cluster (IVY, Li and Hudak 1989; Rainbow OS). Every node reads and writes any address
 * through {@link dev.iris.runtime.dsm.SharedMemory} without knowing where the page is; a fault
 * fetches it. Node-local Java objects are never shared. The protocol is described in
 * {@code doc/design/dsm.md}.
 */
package dev.iris.runtime.dsm;
