package dev.iris.runtime;

import dev.iris.runtime.internal.NodeTime;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requests' deadlines kept by their event loop ({@link Deadlines}): each expires in its turn, answered ones never. */
class DeadlinesTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final List<Long> expired = new CopyOnWriteArrayList<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** An asynchronous Send whose deadline the loop keeps; notes its id when it times out. */
    private CompletableFuture<Object> arm(long id, long timeoutMillis) throws Exception {
        CompletableFuture<Object> future = new CompletableFuture<>();
        future.whenComplete((r, e) -> {
            if (e instanceof IpcTimeoutException) {
                expired.add(id);
            }
        });
        Call call = new Call(id, ProcessId.process(1, 1), TimeUnit.MILLISECONDS.toNanos(timeoutMillis), new NodeTime(), future);
        call.deadlineOn(loop);
        loop.submit(call::armDeadline).get(5, TimeUnit.SECONDS);
        calls.add(call);
        return future;
    }

    @Test
    void eachExpiresInItsTurnAnsweredOnesNeverAndAShorterTimeoutGoesFirst() throws Exception {
        CompletableFuture<Object> slow = arm(1, 600);
        CompletableFuture<Object> answered = arm(2, 100);
        CompletableFuture<Object> fast = arm(3, 150); // armed after the 600 ms one, expires before it
        loop.submit(() -> calls.get(1).complete("reply")).get(5, TimeUnit.SECONDS); // answered on the loop
        assertEquals("reply", answered.get(5, TimeUnit.SECONDS));

        ExecutionException e = assertThrows(ExecutionException.class, () -> fast.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IpcTimeoutException.class, e.getCause());
        e = assertThrows(ExecutionException.class, () -> slow.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IpcTimeoutException.class, e.getCause());
        assertEquals(List.of(3L, 1L), expired, "the 150 ms deadline armed after the 600 ms one expired first");
        assertTrue(loop.submit(() -> calls.stream().noneMatch(c -> c.linked)).get(5, TimeUnit.SECONDS),
                "no deadline left behind");
    }

    @Test
    void aRequestAnsweredOffTheLoopKeepsItsDeadlineUntilItPassesAndThenNothingHappens() throws Exception {
        CompletableFuture<Object> call = arm(7, 100);
        calls.get(0).complete("reply"); // on this thread, not the loop
        assertEquals("reply", call.get(5, TimeUnit.SECONDS));
        CompletableFuture<Object> later = arm(8, 200);
        assertThrows(ExecutionException.class, () -> later.get(5, TimeUnit.SECONDS));
        assertEquals(List.of(8L), expired, "the answered request did not time out");
        assertTrue(loop.submit(() -> calls.stream().noneMatch(c -> c.linked)).get(5, TimeUnit.SECONDS));
    }
}
