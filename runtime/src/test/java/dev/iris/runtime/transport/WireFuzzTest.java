package dev.iris.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Codecs;
import dev.iris.runtime.MessageCodec;
import dev.iris.runtime.NameScope;
import dev.iris.runtime.ProcessId;
import dev.iris.runtime.RegisteredName;
import dev.iris.runtime.dsm.Durability;
import dev.iris.runtime.dsm.HeapCensus;
import dev.iris.runtime.dsm.MemoryEvent;
import dev.iris.runtime.dsm.PageInfo;
import dev.iris.runtime.monitor.MonitorMessage;
import dev.iris.runtime.monitor.MonitorWire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Hostile bytes against every decoder of the wire: each frame payload reader, the handshake, the
 * built-in message codecs, and the frame and fragment decoders of a connection's pipeline. Inputs
 * are random bytes and mutations of valid encodings (bytes overwritten, truncated, extended, length
 * fields set to extremes). Every input is either accepted or refused with the decoder's own
 * exception (a clear message, which closes only that connection); none crashes a reader with
 * another exception, and none makes it allocate more than a small multiple of its input.
 */
class WireFuzzTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** An exception with its stack trace and message, plus slack: what refusing an input may cost. */
    private static final long FIXED_ALLOCATION = 256 * 1024;
    /**
     * The test channel logs a second exception of one input with its stack trace, which costs up to
     * a megabyte of formatting: that is the harness's cost, not the pipeline's, so it stays quiet.
     */
    private static final java.util.logging.Logger HARNESS_LOG = quiet("io.netty.channel.embedded.EmbeddedChannel");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(name);
        log.setLevel(java.util.logging.Level.OFF);
        return log;
    }
    private static long tried;

    /** A decoder of one payload grammar and a valid encoding to mutate. */
    record Reader(String name, Function<ByteBuf, Object> read, Supplier<ByteBuf> valid,
            Class<? extends RuntimeException> refusal) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** One input: a reader and the bytes it gets. */
    record Input(Reader reader, byte[] bytes) {
        @Override
        public String toString() {
            return reader + " <- " + java.util.HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64))
                    + (bytes.length > 64 ? "... (" + bytes.length + " bytes)" : "");
        }
    }

    private static final int PAGE = 256;
    private static final long[] ZEROS = new long[PAGE / 8];

    static final List<Reader> READERS = List.of(
            frame("handshake", Handshake::decode, () -> new Handshake("lab", 1, "n1").encode(ALLOC)),
            frame("reject", Reject::decode, () -> new Reject("not a member").encode(ALLOC)),
            frame("members", MembershipWire::readMembers, () -> MembershipWire.members(ALLOC, List.of(
                    new MembershipWire.Member("n1", "127.0.0.1:7000"), new MembershipWire.Member("n2", "h:1")))),
            frame("send", in -> IpcWire.readSend(in, 0), () -> IpcWire.send(ALLOC, 9, 1, 2, 3, null, null, 4, new byte[8],
                    12, Codecs.BYTES::encode)),
            frame("forwarded send", in -> IpcWire.readSend(in, IpcWire.FORWARDED), () -> IpcWire.send(ALLOC, 9, 1, 2,
                    3, new IpcWire.Forward(5, 6, 7), null, 4, new byte[8], 12, Codecs.BYTES::encode)),
            frame("reply", in -> IpcWire.readReply(in, 0), () -> IpcWire.reply(ALLOC, 9, 1, 2, 0, 4, "ok", 8,
                    Codecs.STRING::encode)),
            frame("reply on behalf", in -> IpcWire.readReply(in, IpcWire.ON_BEHALF), () -> IpcWire.reply(ALLOC, 9, 1,
                    2, 5, 4, "ok", 8, Codecs.STRING::encode)),
            frame("fail", in -> IpcWire.readFail(in, 0), () -> IpcWire.fail(ALLOC, new IpcWire.Fail(1, 2,
                    IpcWire.FailCode.values()[0], "gone", 0))),
            frame("fail on behalf", in -> IpcWire.readFail(in, IpcWire.ON_BEHALF), () -> IpcWire.fail(ALLOC,
                    new IpcWire.Fail(1, 2, IpcWire.FailCode.values()[0], "gone", 5))),
            frame("send with a segment", in -> IpcWire.readSend(in, IpcWire.FORWARDED | IpcWire.SEGMENT),
                    () -> IpcWire.send(ALLOC, 9, 1, 2, 3, new IpcWire.Forward(5, 6, 7), new IpcWire.SegmentPart(2, 1L << 40),
                            4, new byte[8], 12, Codecs.BYTES::encode)),
            frame("send with a segment's head", in -> IpcWire.readSend(in, IpcWire.SEGMENT | IpcWire.HEAD),
                    () -> IpcWire.send(ALLOC, 9, 1, 2, 3, null, new IpcWire.SegmentPart(0, 100),
                            ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5}), 4, new byte[8], 12,
                            Codecs.BYTES::encode)),
            frame("reply with data", in -> IpcWire.readReply(in, IpcWire.DATA | IpcWire.ON_BEHALF),
                    () -> IpcWire.reply(ALLOC, 9, 1, 2, 5, 40, ByteBuffer.wrap(new byte[] {1, 2, 3}), 4, "ok",
                            8, Codecs.STRING::encode)),
            frame("segment read", SegmentWire::readMove, () -> SegmentWire.move(ALLOC, new SegmentWire.Move(1, 2, 3, 4,
                    5, SegmentWire.READ))),
            frame("segment write", SegmentWire::readMove, () -> SegmentWire.move(ALLOC, new SegmentWire.Move(1, 2, 3, 4,
                    3, SegmentWire.WRITE)).writeBytes(new byte[] {7, 8, 9})),
            frame("segment answer", SegmentWire::readAnswer, () -> SegmentWire.done(ALLOC, 1, 2, 3)
                    .writeBytes(new byte[] {7, 8, 9})),
            frame("segment refusal", SegmentWire::readAnswer, () -> SegmentWire.refused(ALLOC, 1, 2, "gone")),
            frame("moved", IpcWire::readMoved, () -> IpcWire.moved(ALLOC, new IpcWire.Moved(1, 5, 3, 2))),
            frame("group send", in -> GroupWire.readGroupSend(in, 0), () -> GroupWire.groupSendHeader(ALLOC.buffer(), 9,
                    1, 2, 3, new int[] {5, 6, 7}, null, 4)),
            frame("group send with a segment", in -> GroupWire.readGroupSend(in, GroupWire.SEGMENT),
                    () -> GroupWire.groupSendHeader(ALLOC.buffer(), 9, 1, 2, 3, new int[] {5, 6, 7},
                            new IpcWire.SegmentPart(0, 1 << 20), 4)),
            frame("group update", GroupWire::readUpdate, () -> GroupWire.update(ALLOC, new GroupWire.Update(
                    GroupWire.Op.JOIN, 9, List.of(new GroupWire.Entry(1, 2), new GroupWire.Entry(3, 4))))),
            frame("group ack", GroupWire::readAck, () -> GroupWire.ack(ALLOC, 9)),
            frame("page request", PageWire::readRequest, () -> PageWire.request(ALLOC,
                    new PageWire.Request(PageWire.WRITE, 3, 1, 7, 8, 0))),
            frame("page locate", PageWire::readRequest, () -> PageWire.request(ALLOC,
                    new PageWire.Request(PageWire.READ, 3, 1, 7, 8, 2, true))),
            frame("page", in -> PageWire.readPage(in, PAGE, ZEROS), () -> PageWire.page(ALLOC, PageWire.WRITE, 3, 7, 8,
                    2, new int[] {1, 2}, new long[PAGE / 8], ZEROS)),
            frame("zero page", in -> PageWire.readPage(in, PAGE, ZEROS), () -> PageWire.page(ALLOC, PageWire.READ, 3, 7,
                    8, 2, new int[0], ZEROS, ZEROS)),
            frame("invalidate", PageWire::readInvalidate, () -> PageWire.invalidate(ALLOC,
                    new PageWire.Invalidate(3, 2, 7, 8))),
            frame("invalidate ack", PageWire::readAck, () -> PageWire.ack(ALLOC, new PageWire.Ack(3, 7, 8, 9))),
            frame("page fail", PageWire::readFail, () -> PageWire.fail(ALLOC, new PageWire.Fail(3, 7, 8,
                    PageWire.FAILED, 0, 0, 0, "dead"))),
            frame("page not owner", PageWire::readFail, () -> PageWire.fail(ALLOC, new PageWire.Fail(3, 7, 8,
                    PageWire.NOT_OWNER, 2, 5, 11, ""))),
            frame("diff", in -> PageWire.readDiff(in, PAGE), () -> PageWire.diff(ALLOC, new PageWire.Diff(3, 7, 8,
                    new int[] {0, 5}, new long[] {1, 2}))),
            frame("diff ack", PageWire::readDiffAck, () -> PageWire.diffAck(ALLOC, new PageWire.DiffAck(3, 7, 8, 2))),
            frame("sync", SyncWire::readSync, () -> SyncWire.sync(ALLOC, new SyncWire.Sync(SyncWire.Op.RELEASE, 1, 2,
                    3, "lock", "", Map.of(5L, 6L)))),
            frame("monitor state", MonitorWire::decode, () -> MonitorWire.encode(ALLOC, new MonitorMessage.State("n1",
                    "h:1", List.of("n1", "n2"), Map.of(new ProcessId(5), "worker"),
                    Map.of(new ProcessId(9), java.util.Set.of(new ProcessId(5), new ProcessId(6))), List.of("n3"),
                    List.of(new RegisteredName("printer", new ProcessId(5), NameScope.CLUSTER)))).get(0)),
            frame("monitor pages", MonitorWire::decode, () -> MonitorWire.encode(ALLOC, new MonitorMessage.Pages("n1",
                    List.of(new PageInfo(3, "data", PageInfo.State.READ, true, "n1", List.of("n2"), 4, 5, 6, 7),
                            new PageInfo(4, "data", PageInfo.State.INVALID, false, "n2", List.of(), 0, 0, 0, 1))))
                    .get(0)),
            frame("monitor message", MonitorWire::decode, () -> MonitorWire.encode(ALLOC, new MonitorMessage.Message(
                    new dev.iris.runtime.MessageEvent(dev.iris.runtime.MessageEvent.Kind.REPLY, "n1", "n2", 7,
                            new ProcessId(5), new ProcessId(6), "Done", 10, 11, "Done[ok=true]"))).get(0)),
            frame("monitor memory", MonitorWire::decode, () -> MonitorWire.encode(ALLOC, new MonitorMessage.Memory(
                    new MemoryEvent(MemoryEvent.Kind.OWNERSHIP_LOST, "n1", 3, "n2", "data", 10, 11))).get(0)),
            frame("monitor durable", MonitorWire::decode, () -> MonitorWire.encode(ALLOC, new MonitorMessage.Durable("n1",
                    new Durability(Durability.Phase.CLOSED, 7, 1, 3,
                            "node [n3] starts with a new page log"))).get(0)),
            frame("monitor heap", MonitorWire::decode, () -> MonitorWire.encode(ALLOC, new MonitorMessage.Heap("n1",
                    new HeapCensus(12, 4096, List.of(new HeapCensus.Block("heap", 4096, "Cell", 0, 24, List.of(8192L, 0L)),
                            new HeapCensus.Block("heap", 4120, null, 0, 16, List.of()),
                            new HeapCensus.Block("heap", 8192, "Array", 2, 32, List.of(4096L, 0L))), false)))
                    .get(0)),
            frame("replica", in -> ReplicaWire.readReplica(in, PAGE), () -> ReplicaWire.replica(ALLOC, 7, 8, List.of(
                    new ReplicaWire.Copy(3, 2, new long[PAGE / 8]), new ReplicaWire.Copy(4, 9, new long[PAGE / 8])))),
            frame("replica ack", ReplicaWire::readAck, () -> ReplicaWire.ack(ALLOC, new ReplicaWire.Ack(7, 8, true))),
            frame("census", ReplicaWire::readCensus, () -> ReplicaWire.census(ALLOC, new ReplicaWire.Census(7, 8,
                    ReplicaWire.FETCH, 5, new long[] {3, 4}))),
            frame("census reply", in -> ReplicaWire.readReply(in, PAGE), () -> ReplicaWire.reply(ALLOC, 7, 8, true,
                    List.of(new ReplicaWire.Entry(3, ReplicaWire.OWNER | ReplicaWire.GAVE, 4, 5, 3, null),
                            new ReplicaWire.Entry(4, ReplicaWire.COPY, 2, 0, 0, new long[PAGE / 8])))),
            frame("heap step", HeapWire::readStep, () -> HeapWire.step(ALLOC, new HeapWire.Step(HeapWire.REMARK, 9))),
            frame("heap answer", HeapWire::readAnswer, () -> HeapWire.answer(ALLOC, new HeapWire.Answer(HeapWire.REMARK,
                    9, HeapWire.DONE, new long[] {1, 0x1000, 0, 0, 2, 0x2000, 0x3000}))),
            frame("place", PlaceWire::readPlace, () -> PlaceWire.place(ALLOC, new PlaceWire.Place(PlaceWire.ALLOCATE, 7,
                    0x1234, 5))),
            frame("placed", PlaceWire::readPlaced, () -> PlaceWire.placed(ALLOC, new PlaceWire.Placed(7,
                    PlaceWire.REFUSED, 0, "heap 'heap' is full"))),
            frame("logged", StoreWire::readLogged, () -> StoreWire.logged(ALLOC, new StoreWire.Logged(StoreWire.LAST,
                    new long[] {3, 4, 9}, new long[] {2, 7, 1}))),
            codec("bytes codec", Codecs.BYTES, new byte[40]),
            codec("string codec", Codecs.STRING, "héllo"));

    private static Reader frame(String name, Function<ByteBuf, Object> read, Supplier<ByteBuf> valid) {
        return new Reader(name, read, valid, FrameFormatException.class);
    }

    private static <T> Reader codec(String name, MessageCodec<T> codec, T sample) {
        return new Reader(name, codec::decode, () -> {
            ByteBuf out = ALLOC.buffer();
            codec.encode(sample, out);
            return out;
        }, IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<Input> inputs() {
        Arbitrary<Reader> readers = Arbitraries.of(READERS);
        return readers.flatMap(r -> Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                mutations(bytes(r.valid().get()))).map(b -> new Input(r, b)));
    }

    private static byte[] bytes(ByteBuf buf) {
        try {
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            return b;
        } finally {
            buf.release();
        }
    }

    /** A valid encoding with a few bytes overwritten (often by 0x00 or 0xFF), cut short, or extended. */
    static Arbitrary<byte[]> mutations(byte[] valid) {
        Arbitrary<byte[]> overwritten = Combinators.combine(
                Arbitraries.integers().between(0, Math.max(0, valid.length - 1)).list().ofMinSize(1).ofMaxSize(4),
                Arbitraries.oneOf(Arbitraries.just((byte) 0xFF), Arbitraries.just((byte) 0), Arbitraries.bytes())
                        .list().ofSize(4)).as((positions, values) -> {
                    byte[] b = valid.clone();
                    for (int i = 0; i < positions.size() && b.length > 0; i++) {
                        b[positions.get(i)] = values.get(i);
                    }
                    return b;
                });
        Arbitrary<byte[]> truncated = Arbitraries.integers().between(0, valid.length)
                .map(n -> java.util.Arrays.copyOf(valid, n));
        Arbitrary<byte[]> extended = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64).map(tail -> {
            byte[] b = java.util.Arrays.copyOf(valid, valid.length + tail.length);
            System.arraycopy(tail, 0, b, valid.length, tail.length);
            return b;
        });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, overwritten), net.jqwik.api.Tuple.of(2, truncated),
                net.jqwik.api.Tuple.of(1, extended));
    }

    /** A thread's allocated bytes, to bound what one input may make a reader allocate. */
    private static long allocated() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    @Property(tries = 20_000)
    void everyReaderAcceptsOrRefusesWithItsOwnException(@ForAll("inputs") Input input) {
        tried++;
        long used = read(input);
        if (used > bound(input)) {
            used = read(input); // the first run of a code path may bootstrap (string concatenation, classes)
        }
        long measured = used;
        assertTrue(measured <= bound(input), () -> input + " made the reader allocate " + measured + " bytes");
    }

    private static long bound(Input input) {
        return FIXED_ALLOCATION + 16L * input.bytes().length;
    }

    /** Runs the reader on the input, checks how it refuses; returns the bytes it allocated. */
    private static long read(Input input) {
        ByteBuf in = Unpooled.wrappedBuffer(input.bytes());
        long before = allocated();
        try {
            input.reader().read().apply(in);
        } catch (RuntimeException e) {
            assertTrue(input.reader().refusal().isInstance(e), () -> input + " threw " + e);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), () -> input + ": no message in " + e);
        }
        return allocated() - before;
    }

    /**
     * A connection's inbound decoders (frames, then fragments) fed random chunks, some of them
     * valid frame headers with hostile lengths and flags: they deliver frames or fail with a
     * decoder exception, and buffer no more than the configured limits.
     */
    @Property(tries = 3_000)
    void theInboundPipelineRefusesHostileStreamsWithinItsLimits(
            @ForAll("streams") List<byte[]> chunks) {
        tried++;
        int maxFrame = 4096;
        long maxMessage = 16 * 1024;
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(maxFrame), new FragmentAssembler(maxMessage));
        long before = allocated();
        long fed = 0;
        try {
            for (byte[] chunk : chunks) {
                fed += chunk.length;
                ch.writeInbound(Unpooled.wrappedBuffer(chunk));
                for (Object m; (m = ch.readInbound()) != null; ) {
                    Frame frame = (Frame) m;
                    assertTrue(frame.payload().readableBytes() <= maxMessage, "a message over the limit was delivered");
                    frame.release();
                }
            }
        } catch (DecoderException e) {
            // refused: the connection would be closed
        }
        try {
            ch.finishAndReleaseAll();
        } catch (DecoderException e) {
            // refused while discarding an oversized frame at the end of the stream
        }
        long used = allocated() - before;
        long bound = FIXED_ALLOCATION + 4 * fed + 2 * maxMessage + 2L * maxFrame;
        assertTrue(used <= bound, () -> "the pipeline allocated " + used + " bytes for " + chunks.size() + " chunks");
    }

    @Provide
    Arbitrary<List<byte[]>> streams() {
        Arbitrary<byte[]> header = Combinators.combine(
                Arbitraries.oneOf(Arbitraries.integers().between(0, 5000), Arbitraries.just(Integer.MAX_VALUE),
                        Arbitraries.just(-1), Arbitraries.integers()),
                Arbitraries.of(1, 2, 255), Arbitraries.integers().between(0, 30),
                Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.just(FragmentEncoder.MORE), Arbitraries.integers()
                        .between(0, 0xFFFF))).as((length, version, kind, flags) -> {
                            ByteBuf b = Unpooled.buffer(8);
                            b.writeInt(length).writeByte(version).writeByte(kind).writeShort(flags);
                            return b.array();
                        });
        Arbitrary<byte[]> body = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        return Arbitraries.oneOf(header, body).list().ofMaxSize(12);
    }

    @AfterContainer
    static void report() {
        System.out.println("[fuzz] WireFuzzTest tried " + tried + " inputs");
    }
}
