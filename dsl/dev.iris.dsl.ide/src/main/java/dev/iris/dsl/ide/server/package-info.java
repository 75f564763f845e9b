/** The Iris language server: Xtext's server with what it advertises made true, started by {@link dev.iris.dsl.ide.server.IrisLanguageServer}. */
package dev.iris.dsl.ide.server;
