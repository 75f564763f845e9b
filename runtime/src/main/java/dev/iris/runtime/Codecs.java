package dev.iris.runtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The message codecs a node knows, by wire id and by Java type. Immutable and thread-safe; every
 * node of a cluster must know the same codecs. Ids 1..99 are reserved for the built-in codecs:
 * {@code byte[]} (1), {@link String} (2, UTF-8), {@link HandlerFailure} (3) and {@link Ack} (4).
 */
public final class Codecs {
    /** The built-in codec of {@code byte[]}. */
    public static final MessageCodec<byte[]> BYTES = new MessageCodec<>() {
        @Override
        public int id() {
            return 1;
        }

        @Override
        public Class<byte[]> type() {
            return byte[].class;
        }

        @Override
        public void encode(byte[] message, ByteBuf out) {
            out.writeBytes(message);
        }

        @Override
        public int sizeHint(byte[] message) {
            return message.length;
        }

        @Override
        public byte[] decode(ByteBuf in) {
            return ByteBufUtil.getBytes(in, in.readerIndex(), in.readableBytes());
        }
    };

    /** The built-in codec of {@link String}, as UTF-8. */
    public static final MessageCodec<String> STRING = new MessageCodec<>() {
        @Override
        public int id() {
            return 2;
        }

        @Override
        public Class<String> type() {
            return String.class;
        }

        @Override
        public void encode(String message, ByteBuf out) {
            out.writeCharSequence(message, StandardCharsets.UTF_8);
        }

        @Override
        public int sizeHint(String message) {
            return message.length();
        }

        @Override
        public String decode(ByteBuf in) {
            return in.toString(StandardCharsets.UTF_8);
        }
    };

    private static final int FIRST_USER_ID = 100;

    private final IntObjectMap<MessageCodec<?>> byId = new IntObjectHashMap<>();
    private final Map<Class<?>, MessageCodec<?>> byType = new HashMap<>();

    private Codecs() {
    }

    /**
     * The built-in codecs plus {@code userCodecs}.
     *
     * @throws IllegalArgumentException if two codecs share an id or a type, or a user codec uses a
     *                                  reserved id
     */
    public static Codecs of(MessageCodec<?>... userCodecs) {
        Codecs codecs = new Codecs();
        codecs.add(BYTES);
        codecs.add(STRING);
        codecs.add(HandlerFailure.CODEC);
        codecs.add(Ack.CODEC);
        codecs.add(Names.QUERY);
        codecs.add(Names.ANSWER);
        for (MessageCodec<?> codec : userCodecs) {
            if (codec.id() < FIRST_USER_ID || codec.id() > 0xFFFF) {
                throw new IllegalArgumentException("codec " + codec.type().getName() + " has id " + codec.id()
                        + "; user codecs use " + FIRST_USER_ID + "..65535");
            }
            codecs.add(codec);
        }
        return codecs;
    }

    private void add(MessageCodec<?> codec) {
        MessageCodec<?> sameId = byId.get(codec.id());
        if (sameId != null) {
            throw new IllegalArgumentException("codecs " + sameId.type().getName() + " and " + codec.type().getName()
                    + " share the id " + codec.id());
        }
        if (byType.putIfAbsent(codec.type(), codec) != null) {
            throw new IllegalArgumentException("two codecs for " + codec.type().getName());
        }
        byId.put(codec.id(), codec);
    }

    /** The codec of this message's exact class; throws {@link IllegalArgumentException} if none. */
    @SuppressWarnings("unchecked")
    public <T> MessageCodec<T> forMessage(T message) {
        MessageCodec<?> codec = byType.get(message instanceof Enum<?> e ? e.getDeclaringClass() : message.getClass());
        if (codec == null) {
            throw new IllegalArgumentException("no codec for message type " + message.getClass().getName()
                    + " (register one with Codecs.of)");
        }
        return (MessageCodec<T>) codec;
    }

    /** The codec with this wire id, or {@code null}. */
    public MessageCodec<?> forId(int id) {
        return byId.get(id);
    }
}
