package dev.iris.runtime;

/** The addressed process does not exist (never did, exited, or exited before replying). */
public class NoSuchProcessException extends IpcException {
    private static final long serialVersionUID = 1L;

    public NoSuchProcessException(String message) {
        super(message);
    }
}
