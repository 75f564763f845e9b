/** Headless compilation of Iris programs: validate a directory of .iris files and generate Java. */
package dev.iris.dsl.compiler;
