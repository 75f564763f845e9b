package dev.iris.runtime.internal;

import dev.iris.runtime.NodeId;
import dev.iris.runtime.transport.FrameKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.random.RandomGenerator;

/**
 * What a protocol above membership (the shared memory) needs from its node: who is live, and a
 * way to send frames to them. Implemented by {@code dev.iris.runtime.Node}; not for applications.
 */
public interface PeerLink {
    /** This node. */
    NodeId self();

    /** Whether {@code node} is this node or a live peer. */
    boolean isLive(int node);

    /** Whether this node or its cluster is being stopped (deaths are expected then, not warned about). */
    boolean stopping();

    /** The numbers of the live peers (not this node). */
    int[] peers();

    /** The name of node {@code node} if it is known (live or configured), else {@code #number}. */
    String nameOf(int node);

    /**
     * Sends a frame to the live peer {@code node} on its connection (frames to one peer arrive in
     * the order sent). Never blocks.
     *
     * @return whether the peer is live (else the payload is released and nothing is sent)
     */
    boolean send(int node, FrameKind kind, ByteBuf payload);

    /**
     * As {@link #send(int, FrameKind, ByteBuf)}, and the event loop that writes the frame keeps
     * {@code deadline}, armed by the same task (no other thread is woken for it).
     */
    boolean send(int node, FrameKind kind, ByteBuf payload, LoopDeadline deadline);

    /**
     * Sends a frame whose order against this node's other frames to {@code node} does not matter:
     * called on an event loop, on whichever connection to the peer that loop serves (the peer's own
     * connection to this node, when this node's connection to it runs on another loop), so that no
     * other thread is woken; else as {@link #send}. Such a frame may pass frames sent before it with
     * {@link #send}, and be passed by later ones.
     *
     * @return whether the peer is live (else the payload is released and nothing is sent)
     */
    boolean sendUnordered(int node, FrameKind kind, ByteBuf payload);

    /** The node's Lamport clock, which its IPC shares. */
    LamportClock clock();

    /** The node's time, on which time-outs run (it stands in debug time). */
    NodeTime time();

    /** Draws the first numbers of ids and random back-offs (the node's; a simulation's is seeded). */
    RandomGenerator random();

    /** The time stamp of an event: {@link System#nanoTime()}, or a simulation's clock. */
    long eventNanos();

    /** The allocator for payloads. */
    ByteBufAllocator alloc();

    /** Runs protocol work off the caller's thread (in order of submission). */
    Executor executor();

    /** An unstarted thread for the memory's own work beside the processes (a virtual thread; a simulation's). */
    Thread newThread(String name, Runnable body);

    /**
     * Runs blocking file I/O (the page log's) on {@code threads} threads of its own whose names
     * begin with {@code name}, never on a process's thread or an event loop; a simulation's runs each
     * task as a step of the simulation.
     */
    ExecutorService blockingIo(String name, int threads);

    /** Runs {@code task} as protocol work {@code delayNanos} from now, by the event loop's clock. */
    void schedule(Runnable task, long delayNanos);

    /**
     * How long this node waits without hearing from a peer before it declares it dead; a peer that
     * is cut off declares this node dead after about as long.
     */
    Duration failureTimeout();
}
