/**
 * Starting generated systems: {@link dev.iris.runtime.launch.GeneratedSystem} reads a generated
 * {@code <Name>System} class (its clusters, memory, handler types), and
 * {@link dev.iris.runtime.launch.NodeMain} is what an exported node bundle runs.
 */
package dev.iris.runtime.launch;
