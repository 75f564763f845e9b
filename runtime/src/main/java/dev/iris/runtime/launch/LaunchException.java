package dev.iris.runtime.launch;

/** A generated system cannot be started as asked: the message says why (no such cluster, ...). */
public class LaunchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LaunchException(String message) {
        super(message);
    }
}
