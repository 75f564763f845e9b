package dev.iris.runtime;

import io.netty.buffer.ByteBuf;

/**
 * The reply to a message that declares no reply type: it only unblocks the sender (V's Send
 * always waits for a Reply). Built-in codec id 4; no bytes on the wire.
 */
public enum Ack {
    /** The one acknowledgement. */
    INSTANCE;

    /** The codec, registered by {@link Codecs#of}. */
    public static final MessageCodec<Ack> CODEC = new MessageCodec<>() {
        @Override
        public int id() {
            return 4;
        }

        @Override
        public Class<Ack> type() {
            return Ack.class;
        }

        @Override
        public void encode(Ack m, ByteBuf out) {
            // nothing to write
        }

        @Override
        public Ack decode(ByteBuf in) {
            return INSTANCE;
        }

        @Override
        public int sizeHint(Ack m) {
            return 0;
        }
    };
}
