/**
 * The shared-memory engine: the page table, IVY's coherence protocol with the fixed and dynamic
 * distributed managers, and the lock and barrier managers. Not API: use
 * {@link dev.iris.runtime.dsm.SharedMemory}. Design: {@code doc/design/dsm.md}.
 */
package dev.iris.runtime.internal.dsm;
