/** Launching Iris clusters from the IDE: the programs of a project and the "Iris Cluster" launch configurations. */
package dev.iris.core.launching;
