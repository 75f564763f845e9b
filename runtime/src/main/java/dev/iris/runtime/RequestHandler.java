package dev.iris.runtime;

/**
 * How a server process answers one request (see {@link Kernel#serve}): it replies with
 * {@link Kernel#reply}, forwards with {@link Kernel#forward}, or throws. Called for one request at a
 * time, in the order the requests arrived.
 */
@FunctionalInterface
public interface RequestHandler {
    void handle(Request request) throws Exception;
}
