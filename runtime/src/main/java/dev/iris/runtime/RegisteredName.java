package dev.iris.runtime;

import java.util.Objects;

/**
 * A name a process registered at run time ({@link Kernel#register}, V's SetPid), as its node
 * keeps it: see {@link Node#names()}.
 *
 * @param name   the name
 * @param holder the process that registered it
 * @param scope  where it is found
 */
public record RegisteredName(String name, ProcessId holder, NameScope scope) {
    public RegisteredName {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(scope, "scope");
    }
}
