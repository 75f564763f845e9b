/** What the Iris debug views show, as models without UI: page ownership from snapshots and memory events, live (coalesced) or replayed, and the heaps' censuses. */
package dev.iris.core.monitor;
