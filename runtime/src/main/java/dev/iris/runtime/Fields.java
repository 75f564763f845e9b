package dev.iris.runtime;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Field encodings for generated message codecs. Every variable-size field is length-prefixed,
 * so fields (and nested messages) can follow each other without delimiters, and every length is
 * checked against the bytes that remain before anything is allocated, so a hostile body cannot make
 * the receiver allocate more than it sent.
 *
 * <pre>
 * string  := length:s32 utf8:byte[length]        (length -1: null)
 * bytes   := length:s32 byte[length]             (length -1: null)
 * T[]     := count:s32 T{count}                  (count -1: null)
 * </pre>
 */
public final class Fields {
    /** Upper bound on elements of an array of messages that encode to no bytes at all. */
    private static final int MAX_EMPTY_ELEMENTS = 1 << 20;

    private Fields() {
    }

    public static void writeString(ByteBuf out, String value) {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        int at = out.writerIndex();
        out.writeInt(0);
        int length = out.writeCharSequence(value, StandardCharsets.UTF_8);
        out.setInt(at, length);
    }

    public static String readString(ByteBuf in) {
        int length = length(in, 1);
        if (length < 0) {
            return null;
        }
        String value = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return value;
    }

    public static void writeBytes(ByteBuf out, byte[] value) {
        if (value == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(value.length).writeBytes(value);
        }
    }

    public static byte[] readBytes(ByteBuf in) {
        int length = length(in, 1);
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[length];
        in.readBytes(value);
        return value;
    }

    public static void writeInts(ByteBuf out, int[] values) {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    public static int[] readInts(ByteBuf in) {
        int n = length(in, 4);
        if (n < 0) {
            return null;
        }
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readInt();
        }
        return values;
    }

    public static void writeLongs(ByteBuf out, long[] values) {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        for (long v : values) {
            out.writeLong(v);
        }
    }

    public static long[] readLongs(ByteBuf in) {
        int n = length(in, 8);
        if (n < 0) {
            return null;
        }
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readLong();
        }
        return values;
    }

    public static void writeDoubles(ByteBuf out, double[] values) {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        for (double v : values) {
            out.writeDouble(v);
        }
    }

    public static double[] readDoubles(ByteBuf in) {
        int n = length(in, 8);
        if (n < 0) {
            return null;
        }
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }

    public static void writeBooleans(ByteBuf out, boolean[] values) {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        for (boolean v : values) {
            out.writeBoolean(v);
        }
    }

    public static boolean[] readBooleans(ByteBuf in) {
        int n = length(in, 1);
        if (n < 0) {
            return null;
        }
        boolean[] values = new boolean[n];
        for (int i = 0; i < n; i++) {
            values[i] = in.readBoolean();
        }
        return values;
    }

    /** An array of objects (strings, byte arrays, messages), each written by {@code element}. */
    public static <T> void writeArray(ByteBuf out, T[] values, BiConsumer<ByteBuf, T> element) {
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        for (T v : values) {
            element.accept(out, v);
        }
    }

    public static <T> T[] readArray(ByteBuf in, IntFunction<T[]> create, Function<ByteBuf, T> element) {
        if (in.readableBytes() < 4) {
            throw new IllegalArgumentException("truncated array count");
        }
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (n > Math.max(in.readableBytes(), MAX_EMPTY_ELEMENTS)) {
            throw new IllegalArgumentException("array of " + n + " elements in " + in.readableBytes() + " bytes");
        }
        T[] values = create.apply(n);
        for (int i = 0; i < n; i++) {
            values[i] = element.apply(in);
        }
        return values;
    }

    /** A nested message that may be null: a presence byte, then the message. */
    public static <T> void writeNested(ByteBuf out, T value, BiConsumer<ByteBuf, T> message) {
        out.writeBoolean(value != null);
        if (value != null) {
            message.accept(out, value);
        }
    }

    public static <T> T readNested(ByteBuf in, Function<ByteBuf, T> message) {
        return in.readBoolean() ? message.apply(in) : null;
    }

    /** Reads a length prefix and checks that {@code length * unit} bytes remain; -1 means null. */
    private static int length(ByteBuf in, int unit) {
        if (in.readableBytes() < 4) {
            throw new IllegalArgumentException("truncated length");
        }
        int length = in.readInt();
        if (length < -1 || (long) length * unit > in.readableBytes()) {
            throw new IllegalArgumentException("length " + length + " exceeds the " + in.readableBytes()
                    + " bytes that remain");
        }
        return length;
    }
}
