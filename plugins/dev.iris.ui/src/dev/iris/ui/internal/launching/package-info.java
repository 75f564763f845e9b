/** Launch configuration tabs and the Run As / Debug As shortcut for Iris clusters. */
package dev.iris.ui.internal.launching;
