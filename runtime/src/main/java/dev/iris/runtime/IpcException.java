package dev.iris.runtime;

/**
 * A V IPC operation failed; the subclass says how. Unchecked: every send may fail, and handler
 * code decides where to deal with it.
 */
public class IpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IpcException(String message) {
        super(message);
    }
}
