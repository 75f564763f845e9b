package dev.iris.bench.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.blocks.MessageDispatcher;
import org.jgroups.blocks.RequestOptions;
import org.jgroups.blocks.ResponseMode;
import org.jgroups.util.RspList;

/**
 * JGroups 5 on its stock TCP stack ({@code tcp.xml}) with static discovery (TCPPING) on
 * 127.0.0.1 and TCP_NODELAY on, as Iris and raw Netty have it. Members answer with a
 * {@link MessageDispatcher} whose handler returns the request's payload; the client casts to
 * every member ({@code castMessage}, anycast) with {@code GET_ALL} or {@code GET_FIRST}.
 */
final class JGroupsPeer {
    private static final long TIMEOUT_MILLIS = 10_000;

    private JGroupsPeer() {
    }

    /** A channel on {@code port} that discovers its peers at {@code ports}. */
    static JChannel channel(String name, int port, List<Integer> ports) throws Exception {
        System.setProperty("jgroups.bind_addr", "127.0.0.1");
        System.setProperty("tcp-nodelay", "true");
        System.setProperty("jgroups.tcp.port_range", "0");
        System.setProperty("jgroups.tcpping.initial_hosts",
                ports.stream().map(p -> "127.0.0.1[" + p + "]").collect(Collectors.joining(",")));
        JChannel ch = new JChannel("tcp.xml").name(name);
        ch.getProtocolStack().getTransport().setValue("bind_port", port);
        ch.getProtocolStack().findProtocol(org.jgroups.protocols.pbcast.GMS.class).setValue("print_local_addr", false);
        return ch;
    }

    static List<Integer> ports(String list) {
        List<Integer> ports = new ArrayList<>();
        for (String p : list.split(",")) {
            ports.add(Integer.parseInt(p));
        }
        return ports;
    }

    /** Member: {@code jgroups <name> <port> <all ports, comma-separated>}. */
    static Member.Commands member(String[] args) throws Exception {
        JChannel ch = channel(args[0], Integer.parseInt(args[1]), ports(args[2]));
        new MessageDispatcher(ch, Message::getArray);
        ch.connect("iris-bench");
        return command -> {
            throw new IllegalArgumentException("no commands");
        };
    }

    /**
     * Client JVM: {@code jgroups-client <port> <all ports, comma-separated> <members>}; READY once
     * every member is in its view.
     */
    static Member.Commands client(String[] args) throws Exception {
        Client client = new Client(Integer.parseInt(args[0]), ports(args[1]), Integer.parseInt(args[2]));
        client.awaitView();
        return Driver.commands(new Driver.Group() {
            @Override
            public Histogram latency(int payload, boolean all, Measure.Durations d, Wakeups wakeups) throws Exception {
                return Measure.latency(client.request(payload, all), d, wakeups);
            }

            @Override
            public Measure.Load load(int payload, boolean all) {
                return Measure.threads("jgroups", client.request(payload, all));
            }
        }, "", Driver::none);
    }

    /** The client channel: one more member of the JGroups cluster. */
    static final class Client {
        private final JChannel channel;
        private final MessageDispatcher dispatcher;
        private final List<Address> members = new ArrayList<>();
        private final int expected;

        Client(int port, List<Integer> ports, int members) throws Exception {
            this.channel = channel("client", port, ports);
            this.dispatcher = new MessageDispatcher(channel);
            this.expected = members;
            channel.connect("iris-bench");
        }

        /** Waits until every member is in the client's view. */
        void awaitView() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (channel.getView().size() < expected + 1) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("JGroups: view " + channel.getView() + " after 60 s");
                }
                TimeUnit.MILLISECONDS.sleep(10);
            }
            members.clear();
            channel.getView().getMembers().stream().filter(a -> !a.equals(channel.getAddress())).forEach(members::add);
        }

        /** One request to every member; returns once {@code mode} is satisfied. */
        Measure.Op request(int payloadBytes, boolean all) {
            byte[] payload = new byte[payloadBytes];
            RequestOptions options = new RequestOptions(all ? ResponseMode.GET_ALL : ResponseMode.GET_FIRST,
                    TIMEOUT_MILLIS).anycasting(true);
            int required = all ? expected : 1;
            return () -> {
                RspList<byte[]> replies = dispatcher.castMessage(members, new BytesMessage(null, payload), options);
                if (replies.numReceived() < required) {
                    throw new IllegalStateException("JGroups: " + replies.numReceived() + " of " + required + " replies");
                }
            };
        }
    }
}
