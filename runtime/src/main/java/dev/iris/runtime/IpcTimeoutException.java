package dev.iris.runtime;

/** No reply arrived within the timeout of a send. */
public class IpcTimeoutException extends IpcException {
    private static final long serialVersionUID = 1L;

    public IpcTimeoutException(String message) {
        super(message);
    }
}
