package dev.iris.runtime;

/** What a process computes for {@link Node#call}: its result, or the exception it ends with. */
@FunctionalInterface
public interface ProcessFunction<T> {
    T apply(Kernel kernel) throws Exception;
}
