/** The Iris views. Internal: only the ui bundle and its tests use these classes. */
package dev.iris.ui.internal.views;
