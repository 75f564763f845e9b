package dev.iris.runtime;

import io.netty.buffer.ByteBuf;

/**
 * The reply a generated process sends when its handler throws: the sender's generated
 * {@code call} turns it into a {@link RemoteHandlerException} instead of leaving the sender
 * blocked until its timeout. Built-in codec id 3.
 *
 * @param process the process whose handler failed
 * @param error   the exception's class and message
 */
public record HandlerFailure(String process, String error) {
    /** The codec, registered by {@link Codecs#of}. */
    public static final MessageCodec<HandlerFailure> CODEC = new MessageCodec<>() {
        @Override
        public int id() {
            return 3;
        }

        @Override
        public Class<HandlerFailure> type() {
            return HandlerFailure.class;
        }

        @Override
        public void encode(HandlerFailure m, ByteBuf out) {
            Fields.writeString(out, m.process());
            Fields.writeString(out, m.error());
        }

        @Override
        public HandlerFailure decode(ByteBuf in) {
            return new HandlerFailure(Fields.readString(in), Fields.readString(in));
        }
    };
}
