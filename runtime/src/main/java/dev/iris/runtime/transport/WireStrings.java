package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Bounded UTF-8 strings on the wire: {@code str := length:u16 utf8:byte[length]}.
 * The bound is checked on both sides so that a peer cannot make this node allocate more than
 * the caller allows. For the payload classes of every protocol (the monitor's too).
 */
public final class WireStrings {
    private WireStrings() {
    }

    /**
     * Writes {@code value}.
     *
     * @throws IllegalArgumentException if its UTF-8 is longer than {@code maxBytes} ({@code field} names it)
     */
    public static void write(ByteBuf out, String field, String value, int maxBytes) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > maxBytes) {
            throw new IllegalArgumentException(field + " is " + utf8.length + " bytes of UTF-8, at most " + maxBytes
                    + " are allowed");
        }
        out.writeShort(utf8.length).writeBytes(utf8);
    }

    /**
     * Reads a string.
     *
     * @throws FrameFormatException if it is truncated or longer than {@code maxBytes} ({@code field} names it)
     */
    public static String read(ByteBuf in, String field, int maxBytes) {
        if (in.readableBytes() < 2) {
            throw new FrameFormatException(field + ": truncated before its length");
        }
        int length = in.readUnsignedShort();
        if (length > maxBytes) {
            throw new FrameFormatException(field + ": length " + length + " exceeds the limit of " + maxBytes + " bytes");
        }
        if (in.readableBytes() < length) {
            throw new FrameFormatException(field + ": declares " + length + " bytes but only " + in.readableBytes()
                    + " remain");
        }
        String value = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return value;
    }
}
