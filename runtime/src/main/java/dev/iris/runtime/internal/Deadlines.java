package dev.iris.runtime.internal;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines armed on one event loop ({@link LoopDeadline}: requests, page faults), in the order
 * they expire: a list linked through the waits themselves, and one timer task for the earliest.
 * Arming a wait (its timeout is usually the one of the wait before, so it goes at the end) and
 * unlinking it when its answer arrives on the loop are a few field writes, where a task of the
 * loop per wait cost two objects and a priority queue's insert and removal. The timer finds the
 * earliest deadline gone when its wait was answered and waits for the next one: under steady
 * traffic it runs about once per timeout. Only the loop touches it.
 */
final class Deadlines {
    private static final FastThreadLocal<Deadlines> OF_LOOP = new FastThreadLocal<>();
    /** {@link #timerAt} when no timer task is pending. */
    private static final long NONE = Long.MAX_VALUE;

    private final EventExecutor loop;
    private LoopDeadline head;
    private LoopDeadline tail;
    /** When the earliest pending timer task runs (by the loop's ticker), or NONE. */
    private long timerAt = NONE;

    private Deadlines(EventExecutor loop) {
        this.loop = loop;
    }

    /** The deadlines of {@code loop}, whose thread calls this. */
    static Deadlines of(EventExecutor loop) {
        Deadlines d = OF_LOOP.get();
        if (d == null || d.loop != loop) { // another loop on this thread: a simulation's, after an earlier one's
            d = new Deadlines(loop);
            OF_LOOP.set(d);
        }
        return d;
    }

    /** Adds {@code p}, which expires at {@code p.expiresAt}. */
    void add(LoopDeadline p) {
        LoopDeadline before = tail;
        while (before != null && before.expiresAt - p.expiresAt > 0) {
            before = before.earlier; // a shorter timeout than those armed last: rare
        }
        p.earlier = before;
        p.later = before == null ? head : before.later;
        if (p.later == null) {
            tail = p;
        } else {
            p.later.earlier = p;
        }
        if (before == null) {
            head = p;
        } else {
            before.later = p;
        }
        p.linked = true;
        if (head == p && (timerAt == NONE || p.expiresAt - timerAt < 0)) {
            schedule(p.expiresAt);
        }
    }

    /** Takes {@code p} out, its answer having come; nothing if it is not in. */
    void remove(LoopDeadline p) {
        if (!p.linked) {
            return;
        }
        if (p.earlier == null) {
            head = p.later;
        } else {
            p.earlier.later = p.later;
        }
        if (p.later == null) {
            tail = p.earlier;
        } else {
            p.later.earlier = p.earlier;
        }
        p.earlier = null;
        p.later = null;
        p.linked = false;
    }

    private void schedule(long at) {
        timerAt = at;
        loop.schedule(() -> expireDue(at), Math.max(0, at - loop.ticker().nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The timer task planned for {@code plannedAt}: expires what is due, then waits for the next. */
    private void expireDue(long plannedAt) {
        if (timerAt == plannedAt) {
            timerAt = NONE;
        }
        long now = loop.ticker().nanoTime();
        while (head != null && head.expiresAt - now <= 0) {
            LoopDeadline due = head;
            remove(due);
            if (due.putOff()) {
                add(due); // the node's time stood meanwhile (debug time): later than now
            } else {
                due.expire(); // nothing happens if it was answered on another thread meanwhile
            }
        }
        if (head != null && (timerAt == NONE || head.expiresAt - timerAt < 0)) {
            schedule(head.expiresAt);
        }
    }
}
