/**
 * What the shared memory keeps on a node's disk: the page log of a persistent cluster. Not API.
 * Design: {@code doc/design/dsm.md}, "Durable memory".
 */
package dev.iris.runtime.internal.store;
