package dev.iris.runtime;

import io.netty.buffer.ByteBuf;

/**
 * Encodes and decodes one message type, without reflection and without Java serialization.
 * Generated message records come with their codec; {@link Codecs} holds the built-in ones.
 *
 * <p>Implementations are stateless and thread-safe. {@link #encode} appends to {@code out};
 * {@link #decode} reads exactly the bytes {@code encode} wrote, from a buffer that holds nothing
 * else, and throws {@link IllegalArgumentException} (or a subclass) on malformed input.
 *
 * @param <T> the message type
 */
public interface MessageCodec<T> {
    /** The wire id of the type, 1..65535, unique among the codecs of a cluster. */
    int id();

    /** The Java type this codec handles; matched exactly, not by subtype. */
    Class<T> type();

    void encode(T message, ByteBuf out);

    /**
     * About how many bytes {@link #encode} writes for {@code message}, so the frame buffer can be
     * allocated once (a wrong guess costs a reallocation, nothing else).
     */
    default int sizeHint(T message) {
        return 64;
    }

    T decode(ByteBuf in);
}
