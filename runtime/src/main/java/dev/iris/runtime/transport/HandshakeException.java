package dev.iris.runtime.transport;

/** A connection was refused during the handshake, by this node or by the peer; the message says why. */
public class HandshakeException extends Exception {
    private static final long serialVersionUID = 1L;

    public HandshakeException(String message) {
        super(message);
    }
}
