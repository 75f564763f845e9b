/** The Iris workbench: perspective, views and (later) the editor and wizards. */
package dev.iris.ui;
