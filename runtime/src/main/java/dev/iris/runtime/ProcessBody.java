package dev.iris.runtime;

/**
 * What a process does. Runs once, on its own virtual thread; the process exits when it returns
 * or throws. Senders still waiting on the process then get a {@link NoSuchProcessException}.
 */
@FunctionalInterface
public interface ProcessBody {
    void run(Kernel kernel) throws Exception;
}
