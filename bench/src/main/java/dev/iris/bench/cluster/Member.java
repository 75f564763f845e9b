package dev.iris.bench.cluster;

import dev.iris.runtime.Dispatch;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The main class of a member JVM, and of a client JVM ({@code <system>-client}, see {@link Driver}):
 * {@code Member <system> <args...>}. Sets the system up, prints {@code READY}, then answers each
 * command line from standard input (see {@link Child}) until standard input closes.
 */
public final class Member {
    /** What a member does on a command; returns the text of its {@code OK} line. */
    interface Commands {
        String run(String[] command) throws Exception;

        /** What the member's {@code READY} line says (the port it bound, where the harness needs it). */
        default String ready() {
            return "";
        }
    }

    private Member() {
    }

    public static void main(String[] args) throws Exception {
        Harness.quietLogging();
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        Commands commands = switch (args[0]) {
            case "netty" -> NettyPeer.member(rest, false);
            case "netty-blocking" -> NettyPeer.member(rest, true);
            case "netty-client" -> NettyPeer.client(rest, false);
            case "netty-blocking-client" -> NettyPeer.client(rest, true);
            case "iris-client" -> IrisPeer.client(rest);
            case "jgroups-client" -> JGroupsPeer.client(rest);
            case "dsm-client" -> DsmPeer.client(rest);
            case "iris" -> IrisPeer.member(rest, Dispatch.EVENT_LOOP, 2);
            case "iris-thread" -> IrisPeer.member(rest, Dispatch.PROCESS_THREAD, 2);
            case "iris-1loop" -> IrisPeer.member(rest, Dispatch.EVENT_LOOP, 1);
            case "jgroups" -> JGroupsPeer.member(rest);
            case "dsm" -> DsmPeer.member(rest);
            case "hazelcast" -> HazelcastPeer.member(rest);
            default -> throw new IllegalArgumentException("unknown system " + args[0]);
        };
        System.out.println(("READY " + commands.ready()).strip());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            try {
                System.out.println("OK " + commands.run(line.trim().split(" ")));
            } catch (Exception e) {
                System.out.println("ERROR " + e);
            }
        }
        System.exit(0);
    }
}
