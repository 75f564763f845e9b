package dev.iris.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.iris.runtime.security.ClusterAuthority;
import dev.iris.runtime.security.NodeCredentials;
import dev.iris.runtime.transport.Frame;
import dev.iris.runtime.transport.FrameDecoder;
import dev.iris.runtime.transport.FrameEncoder;
import dev.iris.runtime.transport.FrameKind;
import dev.iris.runtime.transport.Handshake;
import dev.iris.runtime.transport.Reject;
import dev.iris.runtime.transport.Tls;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes with credentials talk mutual TLS 1.3; a peer that cannot prove it belongs to the cluster
 * (no TLS, a certificate of another authority, a certificate of another node) is refused before
 * any of its frames is read, and the refusal is logged.
 */
@Timeout(60)
class TlsTest {
    private static final ClusterAuthority AUTHORITY = ClusterAuthority.create("lab");
    private final List<Node> nodes = new ArrayList<>();
    private Refusals refusals;

    @BeforeEach
    void listen() {
        refusals = new Refusals();
    }

    @AfterEach
    void stop() {
        refusals.close();
        nodes.forEach(Node::close);
    }

    /** The next refusal the nodes log, waiting up to 10 s for it. */
    private String nextRefusal() throws InterruptedException {
        String refusal = refusals.next();
        assertTrue(refusal != null, "no refusal was logged");
        return refusal;
    }

    private Node start(String name, NodeCredentials credentials, Node seed) {
        List<InetSocketAddress> seeds = seed == null ? List.of() : List.of((InetSocketAddress) Node.parse(seed.address()));
        Node node = Node.start(NodeConfig.of(name, "lab", new InetSocketAddress("127.0.0.1", 0), seeds)
                .withCredentials(credentials), Codecs.of());
        nodes.add(node);
        return node;
    }

    @Test
    void nodesOfOneAuthorityTalkOverTls() throws Exception {
        Node n1 = start("n1", AUTHORITY.issue("n1"), null);
        Node n2 = start("n2", AUTHORITY.issue("n2"), n1);
        assertTrue(n2.awaitMembers(2, Duration.ofSeconds(10)), n2.members().toString());
        ProcessId echo = n1.spawn("echo", k -> {
            while (true) {
                Request r = k.receive();
                k.reply(r, "re: " + r.message());
            }
        });
        assertEquals("re: hello", n2.call("client", Duration.ofSeconds(10), k -> k.send(echo, "hello",
                Duration.ofSeconds(5))));
        assertEquals(List.of(), refusals.all());
    }

    @Test
    void aNodeOfAnotherAuthorityIsRefusedAndTheRefusalIsLogged() throws Exception {
        Node n1 = start("n1", AUTHORITY.issue("n1"), null);
        // same cluster name, same node-name scheme: only the authority differs
        Node intruder = start("n2", ClusterAuthority.create("lab").issue("n2"), n1);
        assertFalse(intruder.awaitMembers(2, Duration.ofSeconds(2)));
        assertEquals(1, n1.members().size(), n1.members().toString());
        String refusal = nextRefusal();
        assertTrue(refusal.contains("failed during the handshake"), refusal);
    }

    @Test
    void aPlaintextPeerIsRefusedBeforeAnyFrameIsRead() throws Exception {
        Node n1 = start("n1", AUTHORITY.issue("n1"), null);
        InetSocketAddress address = (InetSocketAddress) Node.parse(n1.address());
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            InputStream in = socket.getInputStream();
            try {
                // the node may refuse on the first bytes and reset the connection while the rest is written
                Clusters.writeFrame(out, FrameKind.HANDSHAKE,
                        new Handshake("lab", Handshake.PROTOCOL, "n2").encode(ByteBufAllocator.DEFAULT));
                out.flush();
                while (in.read() >= 0) {
                    // until the node closes the connection
                }
            } catch (java.net.SocketException reset) {
                // closed with our bytes unread: a reset, also a close
            }
        }
        assertEquals(1, n1.members().size());
        String refusal = nextRefusal(); // logged on the node's event loop, maybe just after it closed the connection
        assertTrue(refusal.contains("SSL/TLS"), "refused as not TLS, not as a bad frame: " + refusal);
        // and the node goes on admitting members
        Node n2 = start("n2", AUTHORITY.issue("n2"), n1);
        assertTrue(n2.awaitMembers(2, Duration.ofSeconds(10)));
    }

    @Test
    void aCertificateOfAnotherNodeIsRefused() throws Exception {
        Node n1 = start("n1", AUTHORITY.issue("n1"), null);
        Tls tls = new Tls(AUTHORITY.issue("n2"));
        CompletableFuture<String> rejected = new CompletableFuture<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast(tls.handler(c, true), new FrameDecoder(Frame.DEFAULT_MAX_FRAME_BYTES),
                                    new FrameEncoder(Frame.DEFAULT_MAX_FRAME_BYTES),
                                    new SimpleChannelInboundHandler<Frame>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
                                            if (frame.kind() == FrameKind.REJECT) {
                                                rejected.complete(Reject.decode(frame.payload()).reason());
                                            }
                                        }
                                    });
                        }
                    }).connect(Node.parse(n1.address())).sync().channel();
            // the certificate says n2, the handshake says n3
            ch.writeAndFlush(new Frame(FrameKind.HANDSHAKE, 0,
                    new Handshake("lab", Handshake.PROTOCOL, "n3").encode(ch.alloc())));
            String reason = rejected.get(10, TimeUnit.SECONDS);
            assertTrue(reason.contains("calls itself 'n3' but its certificate is for 'n2'"), reason);
            assertEquals(1, n1.members().size());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void credentialsLiveInPemFilesAndTheKeysArePrivate(@TempDir Path dir) throws Exception {
        NodeCredentials n1 = AUTHORITY.issue("n1");
        assertEquals("n1", n1.node());
        n1.write(dir.resolve("n1"));
        NodeCredentials back = NodeCredentials.read(dir.resolve("n1"));
        assertEquals(n1.certificate(), back.certificate());
        assertEquals(n1.authority(), back.authority());
        assertArrayEquals(n1.key().getEncoded(), back.key().getEncoded());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("n1/node-key.pem"))));

        AUTHORITY.write(dir.resolve("ca"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("ca/ca-key.pem"))));
        NodeCredentials later = ClusterAuthority.read(dir.resolve("ca")).issue("n9");
        later.certificate().verify(AUTHORITY.certificate().getPublicKey()); // signed by the same authority

        Files.writeString(dir.resolve("n1/node.pem"), "not a certificate");
        assertTrue(assertThrows(java.io.IOException.class, () -> NodeCredentials.read(dir.resolve("n1")))
                .getMessage().contains("node.pem"));
        assertThrows(IllegalArgumentException.class, () -> NodeConfig.of("n2", "lab",
                new InetSocketAddress("127.0.0.1", 0), List.of()).withCredentials(n1), "credentials of another node");
    }
}
