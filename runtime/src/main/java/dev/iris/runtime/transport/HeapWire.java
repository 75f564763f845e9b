package dev.iris.runtime.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Payloads of the collection of the shared heaps: {@link FrameKind#HEAP} (a step, from the
 * collecting node) and {@link FrameKind#HEAP_REPLY} (a node's answer). See
 * {@code doc/design/dsm.md} (The heap) for the protocol.
 *
 * <pre>
 * heap       := op:u8 collection:u64
 * heap-reply := op:u8 collection:u64 status:u8 count:u32 address:u64{count}
 * </pre>
 *
 * {@code op}: 1 start (record the reference words written and the objects allocated from now on;
 * answer with the objects that handles keep alive), 5 start after the node's JVM has run its own
 * garbage collector (so that the handles dropped there are cleared), 2 remark (stop changing references and
 * allocating; answer with the objects handles keep alive, the words written and the objects
 * allocated since start, and the ranges where allocation resumes; stay stopped until resume),
 * 3 resume, 4 end (the collection is over or abandoned). {@code status}: 0 done, 1 refused (the
 * node is in no such collection, could not stop, or had resumed by itself before resume). The
 * addresses of a remark's answer are four lists one after the other, each led by its length as an
 * address: handles, words written, objects allocated, and pairs (from, to) of open ranges.
 */
public final class HeapWire {
    public static final int START = 1;
    public static final int REMARK = 2;
    public static final int RESUME = 3;
    public static final int END = 4;
    public static final int START_CLEARING = 5;

    /** "start", "remark", "resume", "end" or "start clearing" (or the number of another). */
    public static String stepName(int op) {
        return switch (op) {
            case START -> "start";
            case START_CLEARING -> "start clearing";
            case REMARK -> "remark";
            case RESUME -> "resume";
            case END -> "end";
            default -> String.valueOf(op);
        };
    }

    public static final int DONE = 0;
    public static final int REFUSED = 1;

    /** The most addresses an answer carries. */
    public static final int MAX_ADDRESSES = 1 << 22;

    /** A HEAP step. */
    public record Step(int op, long collection) {
    }

    /** A HEAP_REPLY. */
    public record Answer(int op, long collection, int status, long[] addresses) {
    }

    private HeapWire() {
    }

    public static ByteBuf step(ByteBufAllocator alloc, Step step) {
        return alloc.buffer(9).writeByte(step.op()).writeLong(step.collection());
    }

    public static Step readStep(ByteBuf in) {
        if (in.readableBytes() != 9) {
            throw new FrameFormatException("heap step of " + in.readableBytes() + " bytes, not 9");
        }
        int op = in.readUnsignedByte();
        if (op < START || op > START_CLEARING) {
            throw new FrameFormatException("unknown heap step " + op);
        }
        return new Step(op, in.readLong());
    }

    public static ByteBuf answer(ByteBufAllocator alloc, Answer answer) {
        long[] addresses = answer.addresses();
        if (addresses.length > MAX_ADDRESSES) {
            throw new IllegalArgumentException("a heap answer of " + addresses.length + " addresses, more than "
                    + MAX_ADDRESSES);
        }
        ByteBuf out = alloc.buffer(14 + 8 * addresses.length);
        out.writeByte(answer.op()).writeLong(answer.collection()).writeByte(answer.status()).writeInt(addresses.length);
        for (long a : addresses) {
            out.writeLong(a);
        }
        return out;
    }

    public static Answer readAnswer(ByteBuf in) {
        PageWire.require(in, 14, "heap answer");
        int op = in.readUnsignedByte();
        long collection = in.readLong();
        int status = in.readUnsignedByte();
        int count = in.readInt();
        if (op < START || op > START_CLEARING || status > REFUSED) {
            throw new FrameFormatException("heap answer to step " + op + " with status " + status);
        }
        if (count < 0 || count > MAX_ADDRESSES || in.readableBytes() != 8L * count) {
            throw new FrameFormatException("heap answer: " + count + " addresses in " + in.readableBytes() + " bytes");
        }
        long[] addresses = new long[count];
        for (int i = 0; i < count; i++) {
            addresses[i] = in.readLong();
        }
        return new Answer(op, collection, status, addresses);
    }
}
