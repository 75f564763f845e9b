package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.util.ResourceLeakDetector;
import java.util.Objects;

/**
 * One frame of the Iris wire format: a {@link FrameKind}, 16 bits of kind-specific flags and a
 * payload.
 *
 * <p>Wire grammar (all integers big-endian):
 * <pre>
 * frame   := length:u32 version:u8 kind:u8 flags:u16 payload:byte[length - 4]
 * </pre>
 * {@code length} counts the bytes after itself; it is bounded by the receiver's maximum frame
 * size. {@code version} is {@link #VERSION}; a receiver rejects any other.
 *
 * <p>A payload allocated with {@link #buffer} keeps the length prefix and the header's bytes free in
 * front of it; a frame made of it with {@code headroom} is written in place, as one buffer and
 * without a copy ({@link FrameEncoder}). Such a frame is written once.
 *
 * <p>Ownership: a frame owns its payload buffer (it is a reference-counted
 * {@link io.netty.buffer.ByteBufHolder}); whoever consumes the frame releases it. Writing a
 * frame to a Netty channel transfers that duty to the channel.
 */
public final class Frame extends DefaultByteBufHolder {
    /** The frame format version written by this runtime and the only one it accepts. */
    public static final int VERSION = 1;
    /** Bytes of the length prefix. */
    public static final int LENGTH_FIELD_BYTES = 4;
    /** Bytes of the header that follows the length prefix: version, kind and flags. */
    public static final int HEADER_BYTES = 4;
    /** Bytes before the payload on the wire: the length prefix and the header. */
    public static final int PREFIX_BYTES = LENGTH_FIELD_BYTES + HEADER_BYTES;
    /** The default bound on {@code length}: 1 MiB. Bulk data travels in segments below it. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 1 << 20;

    private static final boolean LEAK_HINTS =
            ResourceLeakDetector.getLevel().compareTo(ResourceLeakDetector.Level.ADVANCED) >= 0;

    private final FrameKind kind;
    private final int flags;
    private final boolean headroom;
    private final ByteBuf payload;

    /**
     * A payload buffer for about {@code payloadHint} bytes with {@link #PREFIX_BYTES} free in front
     * of its reader index, for a frame with headroom.
     */
    public static ByteBuf buffer(ByteBufAllocator alloc, int payloadHint) {
        return alloc.buffer(PREFIX_BYTES + Math.max(0, payloadHint)).writerIndex(PREFIX_BYTES).readerIndex(PREFIX_BYTES);
    }

    /**
     * @param kind    the frame kind
     * @param flags   kind-specific flags, an unsigned 16-bit value
     * @param payload the payload; the frame takes ownership of it
     */
    public Frame(FrameKind kind, int flags, ByteBuf payload) {
        this(kind, flags, payload, false);
    }

    /**
     * @param headroom whether the payload came from {@link #buffer}, its reader index still
     *                 {@link #PREFIX_BYTES} or more past the buffer's start: the prefix is then
     *                 written into those bytes
     */
    public Frame(FrameKind kind, int flags, ByteBuf payload, boolean headroom) {
        super(payload);
        if (headroom && payload.readerIndex() < PREFIX_BYTES) {
            throw new IllegalArgumentException("a frame with headroom needs " + PREFIX_BYTES
                    + " bytes before its payload, it has " + payload.readerIndex());
        }
        this.headroom = headroom;
        this.payload = payload;
        this.kind = Objects.requireNonNull(kind, "kind");
        if ((flags & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("flags must fit in 16 bits: " + flags);
        }
        this.flags = flags;
    }

    public FrameKind kind() {
        return kind;
    }

    public int flags() {
        return flags;
    }

    /** Whether the bytes before the payload are free for the prefix (see {@link #buffer}). */
    public boolean headroom() {
        return headroom;
    }

    /**
     * The payload: the buffer's readable bytes (a decoded frame's buffer starts with the header,
     * already read); {@link #content()} without its check that the frame is not released.
     */
    public ByteBuf payload() {
        return payload;
    }

    @Override
    public Frame replace(ByteBuf content) {
        return new Frame(kind, flags, content);
    }

    @Override
    public Frame retain() {
        super.retain();
        return this;
    }

    @Override
    public Frame retain(int increment) {
        super.retain(increment);
        return this;
    }

    /**
     * Records {@code hint} on the payload only when Netty's leak detector keeps hints (level
     * {@code ADVANCED} or {@code PARANOID}): the pipeline touches every frame at every handler, and a
     * payload's own touch does nothing at the default level.
     */
    @Override
    public Frame touch(Object hint) {
        if (LEAK_HINTS) {
            super.touch(hint);
        }
        return this;
    }

    @Override
    public Frame touch() {
        if (LEAK_HINTS) {
            super.touch();
        }
        return this;
    }

    @Override
    public String toString() {
        return "Frame[" + kind + ", flags=0x" + Integer.toHexString(flags) + ", " + content().readableBytes()
                + " bytes]";
    }
}
