/**
 * The Iris runtime: nodes, V-kernel process-group IPC and distributed shared memory on Netty.
 * A plain Java library with no Eclipse dependency.
 */
package dev.iris.runtime;
