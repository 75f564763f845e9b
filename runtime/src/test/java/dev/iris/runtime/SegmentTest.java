package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.dsm.MemoryConfig;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameKind;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelPromise;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * V's segments: a Send passes access to part of the sender's memory, which the receiver reads
 * (MoveFrom) and writes (MoveTo) while the sender waits, within the access and the bounds it was
 * given, until the request is answered; between nodes in pieces, on one node directly.
 */
@Timeout(60)
class SegmentTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /** Each transport, with the receiver on another node and on the sender's own. */
    static Stream<Arguments> placements() {
        return Stream.of(Transport.values()).flatMap(t -> Stream.of(Arguments.of(t, 1), Arguments.of(t, 0)));
    }

    private static long crc(ByteBuffer bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    @ParameterizedTest
    @MethodSource("placements")
    void theReceiverReadsTheSegmentInPartsAndWritesIntoItBeforeItReplies(Transport transport, int receiverNode)
            throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            // 1 MiB and a bit, read in parts of more pieces than the window that end inside a piece
            byte[] memory = new byte[(1 << 20) + 12_345];
            new Random(7).nextBytes(memory);
            byte[] before = memory.clone();
            byte[] pattern = new byte[200_000];
            Arrays.fill(pattern, (byte) 0x5a);
            ProcessId receiver = c.node(receiverNode).spawn("receiver", k -> {
                Request r = k.receive();
                long length = r.segment().orElseThrow().length();
                ByteBuffer read = ByteBuffer.allocate((int) length);
                for (long at = 0; at < length; at += 700_001) {
                    read.limit((int) Math.min(length, at + 700_001));
                    k.moveFrom(r, at, read);
                    assertEquals(read.limit(), read.position(), "a move advances the buffer past what it read");
                }
                k.moveTo(r, 1000, ByteBuffer.wrap(pattern));
                k.reply(r, Long.toString(crc(read.flip())));
            });
            Object reply = call(c.node(0), k -> k.send(receiver, "read and write",
                    Segment.of(ByteBuffer.wrap(memory), Segment.Access.READ_WRITE), TIMEOUT));

            assertEquals(Long.toString(crc(ByteBuffer.wrap(before))), reply, "what the receiver read");
            assertArrayEquals(pattern, Arrays.copyOfRange(memory, 1000, 1000 + pattern.length), "what it wrote");
            assertArrayEquals(Arrays.copyOfRange(before, 0, 1000), Arrays.copyOfRange(memory, 0, 1000));
            assertArrayEquals(Arrays.copyOfRange(before, 1000 + pattern.length, before.length),
                    Arrays.copyOfRange(memory, 1000 + pattern.length, memory.length));
        }
    }

    @ParameterizedTest
    @MethodSource("placements")
    void movesStayWithinTheAccessAndTheBoundsAndEndWithTheReply(Transport transport, int receiverNode)
            throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            CompletableFuture<List<String>> refusals = new CompletableFuture<>();
            ProcessId receiver = c.node(receiverNode).spawn("receiver", k -> {
                Request plain = k.receive();
                String none = thrown(() -> k.moveFrom(plain, 0, ByteBuffer.allocate(1)));
                k.reply(plain, "plain");
                Request r = k.receive();
                String write = thrown(() -> k.moveTo(r, 0, ByteBuffer.allocate(1)));
                String past = thrown(() -> k.moveFrom(r, 6, ByteBuffer.allocate(5)));
                String negative = thrown(() -> k.moveFrom(r, -1, ByteBuffer.allocate(1)));
                String readOnly = thrown(() -> k.moveFrom(r, 0, ByteBuffer.allocate(1).asReadOnlyBuffer()));
                ByteBuffer all = ByteBuffer.allocate(10);
                k.moveFrom(r, 0, all);
                k.reply(r, new String(all.array(), StandardCharsets.US_ASCII));
                String answered = thrown(() -> k.moveFrom(r, 0, ByteBuffer.allocate(1)));
                refusals.complete(List.of(none, write, past, negative, answered, readOnly));
            });
            assertEquals("plain", call(c.node(0), k -> k.send(receiver, "no segment", TIMEOUT)));
            assertEquals("0123456789", call(c.node(0), k -> k.send(receiver, "read only",
                    Segment.reading("0123456789".getBytes(StandardCharsets.US_ASCII)), TIMEOUT)));

            List<String> why = refusals.get(10, TimeUnit.SECONDS);
            assertTrue(why.get(0).startsWith("IllegalStateException") && why.get(0).contains("passed no segment"),
                    why.get(0));
            assertTrue(why.get(1).startsWith("IllegalStateException") && why.get(1).contains("access is READ"),
                    why.get(1));
            assertTrue(why.get(2).startsWith("IndexOutOfBoundsException")
                    && why.get(2).contains("bytes [6, 11) are outside its segment of 10 bytes"), why.get(2));
            assertTrue(why.get(3).startsWith("IndexOutOfBoundsException"), why.get(3));
            assertTrue(why.get(4).startsWith("IllegalStateException") && why.get(4).contains("was answered"),
                    why.get(4));
            assertTrue(why.get(5).startsWith("IllegalArgumentException") && why.get(5).contains("read-only"),
                    why.get(5));
        }
    }

    /** A segment in direct memory, whose pieces go to the socket from that memory itself, reads the same. */
    @ParameterizedTest
    @MethodSource("placements")
    void aSegmentInDirectMemoryReadsTheSame(Transport transport, int receiverNode) throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            byte[] bytes = new byte[(1 << 20) + 12_345];
            new Random(11).nextBytes(bytes);
            ByteBuffer memory = ByteBuffer.allocateDirect(bytes.length).put(bytes).clear();
            ProcessId receiver = c.node(receiverNode).spawn("receiver", k -> {
                Request r = k.receive();
                ByteBuffer read = ByteBuffer.allocate((int) r.segment().orElseThrow().length());
                for (long at = 0; at < read.capacity(); at += 300_007) {
                    k.moveFrom(r, at, read.limit((int) Math.min(read.capacity(), at + 300_007)));
                }
                k.reply(r, Long.toString(crc(read.flip())));
            });
            Object reply = call(c.node(0), k -> k.send(receiver, "read it",
                    Segment.of(memory.duplicate(), Segment.Access.READ), TIMEOUT));

            assertEquals(Long.toString(crc(ByteBuffer.wrap(bytes))), reply);
        }
    }

    /**
     * A piece of a segment in direct memory leaves from that memory, so its Send returns only once
     * the piece is written out, even when the mover gave up waiting for it and the receiver replied.
     */
    @Test
    void aSendReturnsOnlyOnceThePiecesFromItsMemoryAreWrittenOut() throws Exception {
        HeldAnswers held = new HeldAnswers();
        try (TestCluster c = Transport.TCP.start(2, Codecs.of(), MemoryConfig.NONE,
                held.on("node1", Duration.ofSeconds(30)))) {
            PieceGivenUp run = pieceGivenUp(c, held);
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!run.sent().isDone() && !waitsIn(run.sender(), "Segments", "close")
                        && System.nanoTime() < deadline) {
                    Thread.yield();
                }
                assertTrue(!run.sent().isDone() && waitsIn(run.sender(), "Segments", "close"),
                        "the Send waits for the piece still on its way out of its memory: " + run.sent());
            } finally {
                held.release();
            }
            assertEquals("gave up", run.sent().get(10, TimeUnit.SECONDS));
        }
    }

    /**
     * A piece lent from a Send's memory that cannot leave (its peer does not read) does not hold the
     * Send for good: as long after the reply as a node waits before it declares a peer that does not
     * read dead, its connection is closed and the Send returns.
     */
    @Test
    void aPieceThatCannotLeaveHasItsConnectionClosedAndTheSendReturns() throws Exception {
        HeldAnswers held = new HeldAnswers();
        try (TestCluster c = Transport.TCP.start(2, Codecs.of(), MemoryConfig.NONE,
                held.on("node1", Duration.ofSeconds(1)))) {
            PieceGivenUp run = pieceGivenUp(c, held);
            try {
                assertEquals("gave up", run.sent().get(30, TimeUnit.SECONDS));
                assertTrue(held.closed.await(10, TimeUnit.SECONDS), "the connection the piece was on was closed");
            } finally {
                held.fail();
            }
        }
    }

    /** A Send from node 1 whose receiver on node 2 gives up its move while node 1 holds the answer. */
    private record PieceGivenUp(Thread sender, CompletableFuture<Object> sent) {
    }

    private static PieceGivenUp pieceGivenUp(TestCluster c, HeldAnswers held) throws Exception {
        CompletableFuture<Thread> receiving = new CompletableFuture<>();
        CompletableFuture<String> gaveUp = new CompletableFuture<>();
        ProcessId receiver = c.node(1).spawn("receiver", k -> {
            Request r = k.receive();
            receiving.complete(Thread.currentThread());
            gaveUp.complete(thrown(() -> k.moveFrom(r, Segments.HEAD_BYTES, ByteBuffer.allocate(100_000))));
            k.reply(r, "gave up");
        });
        ByteBuffer memory = ByteBuffer.allocateDirect(1 << 20);
        CompletableFuture<Thread> sending = new CompletableFuture<>();
        CompletableFuture<Object> sent = CompletableFuture.supplyAsync(() -> {
            try {
                return call(c.node(0), k -> {
                    sending.complete(Thread.currentThread());
                    return k.send(receiver, "read it", Segment.of(memory, Segment.Access.READ), TIMEOUT);
                });
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        assertTrue(held.answer.await(10, TimeUnit.SECONDS), "the sender's node answered the piece from its memory");
        receiving.get(10, TimeUnit.SECONDS).interrupt();
        assertTrue(gaveUp.get(10, TimeUnit.SECONDS).contains("interrupted"), gaveUp.get());
        return new PieceGivenUp(sending.get(10, TimeUnit.SECONDS), sent);
    }

    /** Holds the first SEGMENT_ANSWER a node writes, until released or failed; sees its connection close. */
    private static final class HeldAnswers {
        final CountDownLatch answer = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        private final List<Runnable> release = new CopyOnWriteArrayList<>();
        private final List<Runnable> fail = new CopyOnWriteArrayList<>();

        /** Holds on node {@code node}, whose failure timeout it sets to {@code failureTimeout}. */
        UnaryOperator<NodeConfig> on(String node, Duration failureTimeout) {
            // every node beats at least four times in a failure timeout of the holding node
            Duration heartbeat = Collections.min(List.of(failureTimeout.dividedBy(4), Duration.ofMillis(500)));
            return config -> !config.node().equals(node) ? config.withFailureDetection(heartbeat, Duration.ofSeconds(2))
                    : config.withFailureDetection(heartbeat, failureTimeout)
                            .withConnectionHandler(() -> new ChannelDuplexHandler() {
                                private boolean holding;

                                @Override
                                public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                                    if (msg instanceof Frame frame && frame.kind() == FrameKind.SEGMENT_ANSWER
                                            && answer.getCount() > 0) {
                                        holding = true;
                                        release.add(() -> ctx.executor().execute(() -> ctx.writeAndFlush(msg, promise)));
                                        fail.add(() -> ctx.executor().execute(() -> {
                                            frame.release();
                                            promise.tryFailure(new IllegalStateException("held by the test"));
                                        }));
                                        answer.countDown();
                                    } else {
                                        ctx.write(msg, promise);
                                    }
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    if (holding) {
                                        closed.countDown();
                                    }
                                    ctx.fireChannelInactive();
                                }
                            });
        }

        void release() {
            release.forEach(Runnable::run);
        }

        void fail() {
            fail.forEach(Runnable::run);
        }
    }

    /** Whether {@code thread} waits in {@code method} of class {@code type}: in it before and after it was seen waiting. */
    private static boolean waitsIn(Thread thread, String type, String method) {
        return in(thread, type, method) && thread.getState() == Thread.State.TIMED_WAITING
                && in(thread, type, method);
    }

    private static boolean in(Thread thread, String type, String method) {
        return Arrays.stream(thread.getStackTrace()).anyMatch(
                f -> f.getClassName().endsWith("." + type) && f.getMethodName().equals(method));
    }

    @ParameterizedTest
    @MethodSource("placements")
    void aMoveAfterTheSenderStoppedWaitingIsRefusedAndLeavesItsMemoryAlone(Transport transport, int receiverNode)
            throws Exception {
        try (TestCluster c = transport.start(2, Codecs.of())) {
            CountDownLatch senderGaveUp = new CountDownLatch(1);
            CompletableFuture<String> refusal = new CompletableFuture<>();
            ProcessId receiver = c.node(receiverNode).spawn("receiver", k -> {
                Request r = k.receive();
                senderGaveUp.await();
                refusal.complete(thrown(() -> k.moveTo(r, 0, ByteBuffer.wrap(new byte[] {1, 2, 3}))));
            });
            byte[] memory = new byte[3];
            assertThrows(IpcTimeoutException.class, () -> call(c.node(0), k -> k.send(receiver, "too slow",
                    Segment.writing(memory), Duration.ofMillis(300))));
            senderGaveUp.countDown();

            String why = refusal.get(10, TimeUnit.SECONDS);
            assertTrue(why.startsWith("IpcException") && why.contains("no longer accessible"), why);
            assertArrayEquals(new byte[3], memory);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void theProcessARequestIsForwardedToMovesItsSegment(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            ProcessId worker = c.node(2).spawn("worker", k -> {
                Request r = k.receive();
                ByteBuffer into = ByteBuffer.allocate((int) r.segment().orElseThrow().length());
                k.moveFrom(r, 0, into);
                k.moveTo(r, 0, ByteBuffer.wrap("W".getBytes(StandardCharsets.US_ASCII)));
                k.reply(r, "worker read " + new String(into.array(), StandardCharsets.US_ASCII));
            });
            ProcessId forwarder = c.node(1).spawn("forwarder", k -> k.forward(k.receive(), worker));
            byte[] memory = "segment".getBytes(StandardCharsets.US_ASCII);
            assertEquals("worker read segment", call(c.node(0), k -> k.send(forwarder, "job",
                    Segment.of(ByteBuffer.wrap(memory), Segment.Access.READ_WRITE), TIMEOUT)));
            assertEquals("Wegment", new String(memory, StandardCharsets.US_ASCII));
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aMoveFromANodeThatLeftFailsAtOnce(Transport transport) throws Exception {
        try (TestCluster c = transport.start(3, Codecs.of())) {
            CompletableFuture<Request> received = new CompletableFuture<>();
            CountDownLatch senderGone = new CountDownLatch(1);
            CompletableFuture<String> failure = new CompletableFuture<>();
            ProcessId receiver = c.node(1).spawn("receiver", k -> {
                Request r = k.receive();
                received.complete(r);
                senderGone.await();
                failure.complete(thrown(() -> k.moveFrom(r, 0, ByteBuffer.allocate(4))) + " / "
                        + thrown(() -> k.moveFrom(r, Segments.HEAD_BYTES, ByteBuffer.allocate(4))));
            });
            c.node(2).spawn("sender", k -> k.send(receiver, "job", Segment.reading(new byte[Segments.HEAD_BYTES + 4]),
                    TIMEOUT));
            received.get(10, TimeUnit.SECONDS);
            c.node(2).close();
            assertTrue(c.node(1).awaitMembers(2, Duration.ofSeconds(10)), "the receiver's node saw the sender's leave");
            senderGone.countDown();

            String why = failure.get(10, TimeUnit.SECONDS);
            // the segment's first bytes came with the request; the rest is on the node that left
            assertTrue(why.startsWith("nothing / NodeUnreachableException") && why.contains("not a live member"), why);
        }
    }

    /**
     * The sender's node dies while a move's pieces are out (their answers never come: the receiver's
     * node drops them): the move fails at once, and the receiver goes on serving.
     */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void aSendersNodeThatDiesInTheMiddleOfAMoveFailsItAndTheReceiverGoesOn(Transport transport) throws Exception {
        CountDownLatch pieceArrived = new CountDownLatch(1);
        UnaryOperator<NodeConfig> configure = config -> switch (config.node()) {
            case "node2" -> config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Frame frame && frame.kind() == FrameKind.SEGMENT_ANSWER) {
                        frame.release(); // lost: the move waits for its pieces
                    } else {
                        ctx.fireChannelRead(msg);
                    }
                }
            });
            case "node3" -> config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Frame frame && frame.kind() == FrameKind.SEGMENT_MOVE) {
                        pieceArrived.countDown();
                    }
                    ctx.fireChannelRead(msg);
                }
            });
            default -> config;
        };
        try (TestCluster c = transport.start(3, Codecs.of(), MemoryConfig.NONE, configure)) {
            CompletableFuture<String> failure = new CompletableFuture<>();
            ProcessId receiver = c.node(1).spawn("receiver", k -> {
                Request r = k.receive();
                failure.complete(thrown(() -> k.moveFrom(r, Segments.HEAD_BYTES, ByteBuffer.allocate(512 * 1024))));
                while (true) {
                    Request next = k.receive();
                    k.reply(next, "still serving");
                }
            });
            c.node(2).spawn("sender", k -> k.send(receiver, "job", Segment.reading(new byte[1 << 20]), TIMEOUT));
            assertTrue(pieceArrived.await(10, TimeUnit.SECONDS), "a piece reached the sender's node");
            c.node(2).close();

            String why = failure.get(10, TimeUnit.SECONDS);
            assertTrue(why.startsWith("NodeUnreachableException"), why);
            assertEquals("still serving", call(c.node(0), k -> k.send(receiver, "next", TIMEOUT)));
        }
    }

    /** Node {@code node}'s count of the SEGMENT_MOVE frames it receives. */
    private static UnaryOperator<NodeConfig> countMoves(String node, AtomicInteger moves) {
        return config -> !config.node().equals(node) ? config
                : config.withConnectionHandler(() -> new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Frame frame && frame.kind() == FrameKind.SEGMENT_MOVE) {
                            moves.incrementAndGet();
                        }
                        ctx.fireChannelRead(msg);
                    }
                });
    }

    /** V's ReceiveWithSegment: the first bytes of a readable segment come with the request to another node. */
    @ParameterizedTest
    @EnumSource(Transport.class)
    void theFirstBytesOfASegmentComeWithTheRequestAndMovesFromThemAskNobody(Transport transport) throws Exception {
        AtomicInteger moves = new AtomicInteger();
        try (TestCluster c = transport.start(2, Codecs.of(), MemoryConfig.NONE, countMoves("node1", moves))) {
            List<MessageEvent> traced = new CopyOnWriteArrayList<>();
            c.node(1).addMessageListener(e -> {
                if (e.kind() == MessageEvent.Kind.MOVE_FROM || e.kind() == MessageEvent.Kind.MOVE_TO) {
                    traced.add(e);
                }
            });
            byte[] memory = new byte[40_000];
            new Random(3).nextBytes(memory);
            byte[] before = memory.clone();
            CompletableFuture<List<Integer>> movesSeen = new CompletableFuture<>();
            ProcessId receiver = c.node(1).spawn("receiver", k -> {
                Request r = k.receive();
                List<Integer> seen = new ArrayList<>();
                ByteBuffer head = ByteBuffer.allocate(Segments.HEAD_BYTES);
                k.moveFrom(r, 0, head);
                seen.add(moves.get());
                k.moveTo(r, 100, ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)));
                seen.add(moves.get());
                ByteBuffer again = ByteBuffer.allocate(200);
                k.moveFrom(r, 0, again); // sees its own write, from the head it came with
                seen.add(moves.get());
                ByteBuffer across = ByteBuffer.allocate(20_000); // from inside the head to past it
                k.moveFrom(r, 10_000, across);
                seen.add(moves.get());
                movesSeen.complete(seen);
                k.reply(r, crc(head.flip()) + " " + new String(again.array(), 100, 3, StandardCharsets.US_ASCII) + " "
                        + crc(across.flip()));
            });
            Object reply = call(c.node(0), k -> k.send(receiver, "read",
                    Segment.of(ByteBuffer.wrap(memory), Segment.Access.READ_WRITE), TIMEOUT));

            assertEquals(crc(ByteBuffer.wrap(before, 0, Segments.HEAD_BYTES)) + " abc "
                    + crc(ByteBuffer.wrap(memory, 10_000, 20_000)), reply);
            assertEquals("abc", new String(memory, 100, 3, StandardCharsets.US_ASCII));
            List<Integer> seen = movesSeen.get(10, TimeUnit.SECONDS);
            assertEquals(0, seen.get(0), "the first 16 KiB came with the request");
            assertEquals(1, seen.get(1), "a write goes to the sender");
            assertEquals(1, seen.get(2), "reading what it wrote asks nobody");
            assertTrue(seen.get(3) > 1, "bytes past the head are moved: " + seen);
            // each move is a step of the mover's node, whose peer is the segment's (the Message Trace draws them)
            assertEquals(List.of("MOVE_FROM node1 bytes [0, 16384) (they came with the request)",
                    "MOVE_TO node1 bytes [100, 103)", "MOVE_FROM node1 bytes [0, 200) (they came with the request)",
                    "MOVE_FROM node1 bytes [10000, 30000)"), traced.stream().map(e -> e.kind() + " " + e.peer() + " "
                            + e.content()).toList());
            assertTrue(traced.stream().allMatch(e -> e.target().equals(receiver) && e.node().equals("node2")));
        }
    }

    /** V's ReplyWithSegment: a reply carries bytes the sender finds in its segment when it wakes. */
    @ParameterizedTest
    @MethodSource("placements")
    void aReplyCarriesBytesIntoTheSegment(Transport transport, int receiverNode) throws Exception {
        AtomicInteger moves = new AtomicInteger();
        try (TestCluster c = transport.start(2, Codecs.of(), MemoryConfig.NONE, countMoves("node1", moves))) {
            byte[] big = new byte[100_000];
            new Random(5).nextBytes(big);
            CompletableFuture<List<String>> refusals = new CompletableFuture<>();
            ProcessId receiver = c.node(receiverNode).spawn("receiver", k -> {
                Request small = k.receive();
                String past = thrown(() -> k.reply(small, "no", 19, ByteBuffer.allocate(2)));
                k.reply(small, "small", 10, ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)));
                Request large = k.receive();
                ByteBuffer data = ByteBuffer.wrap(big, 1, big.length - 1); // more than a piece: moved first
                k.reply(large, "large", 1, data);
                Request readOnly = k.receive();
                String write = thrown(() -> k.reply(readOnly, "no", 0, ByteBuffer.allocate(1)));
                k.reply(readOnly, "still unanswered");
                refusals.complete(List.of(write, past, String.valueOf(data.remaining())));
            });
            byte[] memory = new byte[20];
            assertEquals("small", call(c.node(0), k -> k.send(receiver, "s", Segment.writing(memory), TIMEOUT)));
            assertEquals("hello", new String(memory, 10, 5, StandardCharsets.US_ASCII));
            if (receiverNode == 1) {
                assertEquals(0, moves.get(), "the bytes came in the reply");
            }
            byte[] into = new byte[big.length];
            assertEquals("large", call(c.node(0), k -> k.send(receiver, "l", Segment.writing(into), TIMEOUT)));
            assertArrayEquals(Arrays.copyOfRange(big, 1, big.length), Arrays.copyOfRange(into, 1, into.length));
            assertEquals("still unanswered", call(c.node(0), k -> k.send(receiver, "r", Segment.reading(new byte[10]),
                    TIMEOUT)));

            List<String> why = refusals.get(10, TimeUnit.SECONDS);
            assertTrue(why.get(0).startsWith("IllegalStateException") && why.get(0).contains("access is READ"),
                    why.get(0));
            assertTrue(why.get(1).startsWith("IndexOutOfBoundsException") && why.get(1).contains("[19, 21)"),
                    why.get(1));
            assertEquals("0", why.get(2), "the reply advanced the data's position past what it wrote");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void everyMemberOfAGroupSendReadsItsSegment(Transport transport) throws Exception {
        ProcessId group = ProcessId.wellKnownGroup(21);
        try (TestCluster c = transport.start(3, Codecs.of())) {
            CountDownLatch joined = new CountDownLatch(3);
            for (int i = 0; i < 3; i++) { // one member on the sender's node, one on each other
                c.node(i).spawn("member", k -> {
                    k.join(group);
                    joined.countDown();
                    while (true) {
                        Request r = k.receive();
                        ByteBuffer all = ByteBuffer.allocate((int) r.segment().orElseThrow().length());
                        k.moveFrom(r, 0, all);
                        k.reply(r, Long.toString(crc(all.flip())));
                    }
                });
            }
            assertTrue(joined.await(10, TimeUnit.SECONDS));
            byte[] memory = new byte[200_000];
            new Random(21).nextBytes(memory);
            GroupReplies replies = call(c.node(0), k -> k.sendGroup(group, "read it", Segment.reading(memory),
                    ReplyMode.ALL, TIMEOUT));
            assertTrue(replies.satisfied() && replies.failures().isEmpty(), replies.toString());
            String expected = Long.toString(crc(ByteBuffer.wrap(memory)));
            assertEquals(List.of(expected, expected, expected),
                    replies.replies().stream().map(GroupReplies.Reply::message).toList());

            IllegalArgumentException writable = assertThrows(IllegalArgumentException.class, () -> call(c.node(0),
                    k -> k.sendGroup(group, "write it", Segment.writing(memory), ReplyMode.ALL, TIMEOUT)));
            assertTrue(writable.getMessage().contains("its access must be READ"), writable.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aFileRegionIsASegment(Transport transport, @TempDir Path dir) throws Exception {
        Path file = dir.resolve("data");
        byte[] content = new byte[3 * Segments.PIECE_BYTES + 17];
        new Random(3).nextBytes(content);
        Files.write(file, content);
        try (TestCluster c = transport.start(2, Codecs.of());
                FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ProcessId receiver = c.node(1).spawn("receiver", k -> {
                Request r = k.receive();
                ByteBuffer into = ByteBuffer.allocateDirect((int) r.segment().orElseThrow().length());
                k.moveFrom(r, 0, into);
                k.moveTo(r, 0, ByteBuffer.wrap("head".getBytes(StandardCharsets.US_ASCII)));
                k.reply(r, Long.toString(crc(into.flip())));
            });
            // the region from byte 100 to 17 bytes before the end
            long length = content.length - 117;
            Object reply = call(c.node(0), k -> k.send(receiver, "file",
                    Segment.of(channel, 100, length, Segment.Access.READ_WRITE), TIMEOUT));
            assertEquals(Long.toString(crc(ByteBuffer.wrap(content, 100, (int) length))), reply);
        }
        byte[] after = Files.readAllBytes(file);
        assertEquals("head", new String(after, 100, 4, StandardCharsets.US_ASCII));
        assertArrayEquals(Arrays.copyOfRange(content, 104, content.length), Arrays.copyOfRange(after, 104, after.length));
    }

    /** What {@code move} threw, as "SimpleClassName: message", or "nothing". */
    private static String thrown(Move move) {
        try {
            move.run();
            return "nothing";
        } catch (Exception e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private interface Move {
        void run() throws Exception;
    }
}
