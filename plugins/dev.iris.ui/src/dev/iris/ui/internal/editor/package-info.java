/** The Iris editor: a text editor on the JFace text framework that calls the language's ide services in-process. */
package dev.iris.ui.internal.editor;
