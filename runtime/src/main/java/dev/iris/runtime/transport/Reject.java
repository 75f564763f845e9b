package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;

/**
 * The payload of a {@link FrameKind#REJECT} frame: why a peer refuses this connection. The
 * sender closes the connection right after it.
 *
 * <p>Wire grammar: {@code reject := reason:str} with {@code str := length:u16 utf8:byte[length]}
 * and {@code length <= 1024}.
 *
 * @param reason a sentence for the log of the refused side
 */
public record Reject(String reason) {
    /** Upper bound of the UTF-8 length of the reason. */
    public static final int MAX_REASON_BYTES = 1024;

    public Reject {
        Objects.requireNonNull(reason, "reason");
    }

    /** Encodes this reject as a frame payload allocated from {@code alloc}; long reasons are cut. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        String text = reason.length() > MAX_REASON_BYTES / 4 ? reason.substring(0, MAX_REASON_BYTES / 4) : reason;
        ByteBuf out = alloc.buffer(2 + text.length());
        WireStrings.write(out, "reject reason", text, MAX_REASON_BYTES);
        return out;
    }

    /** Decodes a reject payload; does not release {@code in}. */
    public static Reject decode(ByteBuf in) {
        return new Reject(WireStrings.read(in, "reject reason", MAX_REASON_BYTES));
    }
}
