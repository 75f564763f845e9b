package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static dev.iris.runtime.Clusters.server;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.transport.GroupWire;
import io.netty.channel.local.LocalAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Bulk data: messages above the frame bound travel in pieces, within the message limit. */
class BulkTransferTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger CLUSTERS = new AtomicInteger();
    private final List<Node> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        nodes.forEach(Node::close);
    }

    /** Two nodes with the given limits (node 0 with {@code limits0}, node 1 with {@code limits1}). */
    private List<Node> pair(Transport transport, long[] limits0, long[] limits1) throws InterruptedException {
        return cluster(transport, limits0, limits1);
    }

    /** One node per element of {@code limits}, each with those limits, the first one the seed of the others. */
    private List<Node> cluster(Transport transport, long[]... limits) throws InterruptedException {
        String cluster = "bulk" + CLUSTERS.incrementAndGet();
        for (int i = 0; i < limits.length; i++) {
            String name = String.valueOf((char) ('a' + i));
            SocketAddress address = transport == Transport.TCP ? new InetSocketAddress("127.0.0.1", 0)
                    : new LocalAddress(cluster + "/" + name);
            List<SocketAddress> seeds = i == 0 ? List.of() : List.of(Node.parse(nodes.get(0).address()));
            nodes.add(Node.start(NodeConfig.of(name, cluster, address, seeds)
                    .withLimits((int) limits[i][0], limits[i][1]), Codecs.of()));
        }
        for (Node node : nodes) {
            assertTrue(node.awaitMembers(limits.length, Duration.ofSeconds(10)));
        }
        return nodes;
    }

    private static long[] defaults() {
        return new long[] {dev.iris.runtime.transport.Frame.DEFAULT_MAX_FRAME_BYTES, NodeConfig.DEFAULT_MAX_MESSAGE_BYTES};
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void sixteenMebibytesGoThereAndBack(Transport transport) throws Exception {
        List<Node> n = pair(transport, defaults(), defaults());
        byte[] bulk = new byte[16 << 20];
        new Random(16).nextBytes(bulk);
        ProcessId reverser = server(n.get(1), m -> {
            byte[] in = (byte[]) m;
            byte[] out = new byte[in.length];
            for (int i = 0; i < in.length; i++) {
                out[i] = in[in.length - 1 - i];
            }
            return out;
        });
        byte[] back = (byte[]) call(n.get(0), k -> k.send(reverser, bulk, TIMEOUT));
        assertEquals(bulk.length, back.length);
        for (int i = 0; i < bulk.length; i += 4099) {
            assertEquals(bulk[bulk.length - 1 - i], back[i]);
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void messagesAboveTheFrameBoundTravelInPieces(Transport transport) throws Exception {
        long[] small = {4096, 64 * 1024};
        List<Node> n = pair(transport, small, small);
        ProcessId echo = server(n.get(1), m -> m);
        byte[] sixty = new byte[60 * 1024];
        new Random(60).nextBytes(sixty);
        assertArrayEquals(sixty, (byte[]) call(n.get(0), k -> k.send(echo, sixty, TIMEOUT)));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> call(n.get(0), k -> k.send(echo, new byte[100 * 1024], TIMEOUT)));
        assertTrue(e.getMessage().contains("exceeds the message limit of 65536 bytes"), e.getMessage());
        // the refused message left the connection usable
        assertArrayEquals(sixty, (byte[]) call(n.get(0), k -> k.send(echo, sixty, TIMEOUT)));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aPeerCannotMakeANodeBufferMoreThanItsLimit(Transport transport) throws Exception {
        // node 0 sends up to 1 MiB, node 1 accepts 64 KiB: node 1 closes the connection
        List<Node> n = pair(transport, new long[] {4096, 1 << 20}, new long[] {4096, 64 * 1024});
        ProcessId echo = server(n.get(1), m -> m);
        NodeUnreachableException e = assertThrows(NodeUnreachableException.class,
                () -> call(n.get(0), k -> k.send(echo, new byte[200 * 1024], TIMEOUT)));
        assertTrue(e.getMessage().contains("'b'"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aGroupSendsBodyArrivesWholeOnEveryNodeWhetherCopiedOrShared(Transport transport) throws Exception {
        // a 4 KiB frame bound: the larger bodies also travel in pieces
        long[] limits = {4096, 64 * 1024};
        List<Node> n = cluster(transport, limits, limits, limits);
        ProcessId group = ProcessId.wellKnownGroup(42);
        CountDownLatch joined = new CountDownLatch(2);
        for (Node member : n.subList(1, 3)) {
            member.spawn("member", k -> {
                k.join(group);
                joined.countDown();
                while (true) {
                    Request r = k.receive();
                    k.reply(r, Arrays.hashCode((byte[]) r.message()) + "/" + ((byte[]) r.message()).length);
                }
            });
        }
        assertTrue(joined.await(10, TimeUnit.SECONDS));
        Random random = new Random(42);
        for (int size : new int[] {0, 1023, 1024, Groups.SHARE_FROM - 1, Groups.SHARE_FROM, 60 * 1024}) {
            byte[] body = new byte[size];
            random.nextBytes(body);
            GroupReplies replies = call(n.get(0), k -> k.sendGroup(group, body, ReplyMode.ALL, TIMEOUT));
            assertTrue(replies.satisfied() && replies.failures().isEmpty(), replies.toString());
            assertEquals(List.of(Arrays.hashCode(body) + "/" + size, Arrays.hashCode(body) + "/" + size),
                    replies.replies().stream().map(GroupReplies.Reply::message).toList(), "replies to a body of " + size + " bytes");
        }
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void aGroupSendAtTheMessageLimitGoesAndOneByteMoreIsRefusedAtOnce(Transport transport) throws Exception {
        long[] small = {4096, 64 * 1024};
        List<Node> n = pair(transport, small, small);
        ProcessId group = ProcessId.wellKnownGroup(41);
        CountDownLatch joined = new CountDownLatch(1);
        n.get(1).spawn("member", k -> {
            k.join(group);
            joined.countDown();
            while (true) {
                Request r = k.receive();
                k.reply(r, String.valueOf(((byte[]) r.message()).length));
            }
        });
        assertTrue(joined.await(10, TimeUnit.SECONDS));
        // one member on the receiving node: the frame's payload is its header plus the body
        int largest = 64 * 1024 - GroupWire.groupSendHeaderBytes(1, false);
        GroupReplies at = call(n.get(0), k -> k.sendGroup(group, new byte[largest], ReplyMode.ALL, TIMEOUT));
        assertTrue(at.satisfied() && at.failures().isEmpty(), at.toString());
        assertEquals(String.valueOf(largest), at.first());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> call(n.get(0), k -> k.sendGroup(group, new byte[largest + 1], ReplyMode.ALL, TIMEOUT)));
        assertTrue(e.getMessage().contains("exceeds the message limit of 65536 bytes"), e.getMessage());
    }
}
