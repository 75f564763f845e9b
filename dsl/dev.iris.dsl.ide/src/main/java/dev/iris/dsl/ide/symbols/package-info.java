/** What each kind of Iris declaration is called and shown as in editors: symbol kinds, words, details. */
package dev.iris.dsl.ide.symbols;
