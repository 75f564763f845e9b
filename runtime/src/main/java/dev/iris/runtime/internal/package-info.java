/** Internals of the runtime shared between its packages; not API. */
package dev.iris.runtime.internal;
