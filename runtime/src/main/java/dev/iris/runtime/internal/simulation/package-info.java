/**
 * The parts of a deterministic simulation that replace the JVM's under a node: one event loop on
 * a simulated clock, the scheduler that alone runs its tasks and the processes' threads, and a
 * network that delays frames by seeded amounts. {@link dev.iris.runtime.SimulatedCluster} puts them
 * together.
 */
package dev.iris.runtime.internal.simulation;
