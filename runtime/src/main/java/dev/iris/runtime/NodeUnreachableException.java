package dev.iris.runtime;

/** The node of the addressed process is not a live member of the cluster, or died while the send was pending. */
public class NodeUnreachableException extends IpcException {
    private static final long serialVersionUID = 1L;

    public NodeUnreachableException(String message) {
        super(message);
    }
}
