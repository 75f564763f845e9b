package dev.iris.runtime;

/** The receiving process's handler threw; the message names the process and its exception. */
public class RemoteHandlerException extends IpcException {
    private static final long serialVersionUID = 1L;

    public RemoteHandlerException(HandlerFailure failure) {
        super("the handler of " + failure.process() + " failed: " + failure.error());
    }
}
