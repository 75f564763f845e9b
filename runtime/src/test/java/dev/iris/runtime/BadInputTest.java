package dev.iris.runtime;

import static dev.iris.runtime.Clusters.call;
import static dev.iris.runtime.Clusters.server;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.iris.runtime.Clusters.TestCluster;
import dev.iris.runtime.Clusters.Transport;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.Handshake;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Hostile bytes on a real TCP connection close that connection only; the node goes on serving. */
class BadInputTest {
    private static TestCluster cluster;
    private static ProcessId echo;

    @BeforeAll
    static void start() throws InterruptedException {
        cluster = Transport.TCP.start(2, Codecs.of());
        echo = server(cluster.node(0), m -> m);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static Socket connect() throws IOException {
        InetSocketAddress address = (InetSocketAddress) Node.parse(cluster.node(0).address());
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Reads until the node closes the connection; returns how many bytes it sent first. */
    private static int readUntilClosed(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        int total = 0;
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) >= 0; ) {
            total += n;
        }
        return total;
    }

    private static void handshake(DataOutputStream out) throws IOException {
        handshake(out, "intruder");
    }

    private static void handshake(DataOutputStream out, String node) throws IOException {
        Clusters.writeFrame(out, FrameKind.HANDSHAKE,
                new Handshake("test", Handshake.PROTOCOL, node).encode(ByteBufAllocator.DEFAULT));
    }

    private static void assertNodeStillServes() throws Exception {
        assertEquals("still here", call(cluster.node(1), k -> k.send(echo, "still here", Duration.ofSeconds(10))));
    }

    @Test
    void oversizedFrameClosesTheConnection() throws Exception {
        try (Socket s = connect()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(64 * 1024 * 1024);
            out.flush();
            readUntilClosed(s);
        }
        assertNodeStillServes();
    }

    @Test
    void wrongVersionClosesTheConnection() throws Exception {
        try (Socket s = connect()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(4);
            out.writeByte(99);
            out.writeByte(1);
            out.writeShort(0);
            out.flush();
            readUntilClosed(s);
        }
        assertNodeStillServes();
    }

    @Test
    void unknownKindAfterAValidHandshakeClosesTheConnection() throws Exception {
        try (Socket s = connect()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            handshake(out);
            out.writeInt(4);
            out.writeByte(Frame.VERSION);
            out.writeByte(200);
            out.writeShort(0);
            out.flush();
            readUntilClosed(s);
        }
        assertNodeStillServes();
    }

    @Test
    void truncatedSendPayloadClosesTheConnection() throws Exception {
        try (Socket s = connect()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            handshake(out);
            out.writeInt(Frame.HEADER_BYTES + 3);
            out.writeByte(Frame.VERSION);
            out.writeByte(FrameKind.SEND.code());
            out.writeShort(0);
            out.write(new byte[] {1, 2, 3});
            out.flush();
            readUntilClosed(s);
        }
        assertNodeStillServes();
    }

    @Test
    void aPeerCannotChangeTheMembershipsOfAnotherNode() throws Exception {
        ProcessId group = ProcessId.wellKnownGroup(77);
        ProcessId victim = ProcessId.process(cluster.node(1).id().number(), 5);
        try (Socket s = connect()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            handshake(out);
            ByteBuf update = dev.iris.runtime.transport.GroupWire.update(ByteBufAllocator.DEFAULT,
                    new dev.iris.runtime.transport.GroupWire.Update(dev.iris.runtime.transport.GroupWire.Op.JOIN, 0,
                            java.util.List.of(new dev.iris.runtime.transport.GroupWire.Entry(group.value(),
                                    victim.value()))));
            Clusters.writeFrame(out, FrameKind.GROUP_UPDATE, update);
            out.flush();
            readUntilClosed(s);
        }
        assertEquals(java.util.Set.of(), call(cluster.node(0), k -> k.members(group)));
        assertNodeStillServes();
    }

    @Test
    void aSecondConnectionUnderALiveMembersNameIsRefused() throws Exception {
        try (Socket s = connect()) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            handshake(out, cluster.node(1).id().name());
            out.flush();
            readUntilClosed(s);
        }
        assertEquals(2, cluster.node(0).members().size());
        assertNodeStillServes();
    }

    @Test
    void garbageBeforeAnyHandshakeClosesTheConnection() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            s.getOutputStream().flush();
            readUntilClosed(s);
        }
        assertNodeStillServes();
    }
}
