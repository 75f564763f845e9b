/**
 * Starting generated systems: {@link dev.iris.runtime.launch.GeneratedSystem} reads a generated
 * {@code <Name>System} class (its clusters, memory, handler types),
 * {@link dev.iris.runtime.launch.NodeMain} is what an exported node bundle runs, and
 * {@link dev.iris.runtime.launch.ClusterSession} is how a program's main class starts its cluster
 * embedded or joins one that runs as node JVMs.
 */
package dev.iris.runtime.launch;
