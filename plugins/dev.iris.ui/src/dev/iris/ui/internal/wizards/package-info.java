/** The Iris wizards: new project. */
package dev.iris.ui.internal.wizards;
