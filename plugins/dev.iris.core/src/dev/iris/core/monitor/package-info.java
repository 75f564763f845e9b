/** What the Iris debug views show, as models without UI: page ownership from snapshots and memory events, live (coalesced) or replayed. */
package dev.iris.core.monitor;
