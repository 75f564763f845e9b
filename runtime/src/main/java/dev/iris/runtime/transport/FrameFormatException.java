package dev.iris.runtime.transport;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A frame or a frame payload that does not follow the wire grammar. The message says what was
 * wrong and where (field, value, limit). A connection that produced one is closed; other
 * connections are not affected.
 */
public class FrameFormatException extends CorruptedFrameException {
    private static final long serialVersionUID = 1L;

    public FrameFormatException(String message) {
        super(message);
    }
}
