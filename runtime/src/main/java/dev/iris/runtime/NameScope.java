package dev.iris.runtime;

/** Where a name registered with {@link Kernel#register} is found (V's scope of SetPid and GetPid). */
public enum NameScope {
    /** Only by processes on the node of the process that registered it. */
    NODE,
    /** By processes on every node of the cluster. */
    CLUSTER
}
