package dev.iris.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Waits' deadlines kept by their event loop ({@link Deadlines}): each expires in its turn, answered ones never. */
class DeadlinesTest {
    private final EventLoop loop = new DefaultEventLoop();
    private final List<Long> expired = new CopyOnWriteArrayList<>();
    private final List<Wait> waits = new CopyOnWriteArrayList<>();

    /** A wait that notes its id when it expires. */
    private final class Wait extends LoopDeadline {
        final long id;
        final CompletableFuture<String> answer = new CompletableFuture<>();

        Wait(long id, long timeoutMillis) {
            super(new NodeTime(), TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
            this.id = id;
        }

        void answer(String a) {
            if (answer.complete(a)) {
                disarm();
            }
        }

        @Override
        protected boolean isDone() {
            return answer.isDone();
        }

        @Override
        protected void expire() {
            if (!answer.isDone()) { // answers in these tests come before the deadline or not at all
                expired.add(id);
                answer.complete("expired");
            }
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** A wait whose deadline the loop keeps. */
    private Wait arm(long id, long timeoutMillis) throws Exception {
        Wait wait = new Wait(id, timeoutMillis);
        wait.deadlineOn(loop);
        loop.submit(wait::armDeadline).get(5, TimeUnit.SECONDS);
        waits.add(wait);
        return wait;
    }

    @Test
    void eachExpiresInItsTurnAnsweredOnesNeverAndAShorterTimeoutGoesFirst() throws Exception {
        Wait slow = arm(1, 600);
        Wait answered = arm(2, 30_000); // answered long before it could pass
        Wait fast = arm(3, 150); // armed after the 600 ms one, expires before it
        loop.submit(() -> answered.answer("reply")).get(5, TimeUnit.SECONDS); // answered on the loop
        assertEquals("reply", answered.answer.get(5, TimeUnit.SECONDS));

        assertEquals("expired", fast.answer.get(5, TimeUnit.SECONDS));
        assertEquals("expired", slow.answer.get(5, TimeUnit.SECONDS));
        assertEquals(List.of(3L, 1L), expired, "the 150 ms deadline armed after the 600 ms one expired first");
        assertTrue(loop.submit(() -> waits.stream().noneMatch(w -> w.linked)).get(5, TimeUnit.SECONDS),
                "no deadline left behind");
    }

    @Test
    void aWaitAnsweredOffTheLoopKeepsItsDeadlineUntilItPassesAndThenNothingHappens() throws Exception {
        Wait wait = arm(7, 2_000);
        wait.answer("reply"); // on this thread, not the loop
        assertTrue(loop.submit(() -> wait.linked).get(5, TimeUnit.SECONDS), "only its loop drops a deadline");
        Wait later = arm(8, 2_500); // passes after the answered one: by then that one is gone
        assertEquals("expired", later.answer.get(5, TimeUnit.SECONDS));
        assertEquals(List.of(8L), expired, "the answered wait did not expire");
        assertTrue(loop.submit(() -> waits.stream().noneMatch(w -> w.linked)).get(5, TimeUnit.SECONDS));
    }

    @Test
    void aDeadlineThatComesDueWhileTheNodesTimeStandsIsPutOff() throws Exception {
        NodeTime time = new NodeTime();
        time.pause();
        CompletableFuture<Long> expiredAt = new CompletableFuture<>();
        LoopDeadline wait = new LoopDeadline(time, TimeUnit.MILLISECONDS.toNanos(50)) {
            @Override
            protected boolean isDone() {
                return expiredAt.isDone();
            }

            @Override
            protected void expire() {
                expiredAt.complete(System.nanoTime());
            }
        };
        wait.deadlineOn(loop);
        long armedAt = System.nanoTime();
        loop.submit(wait::armDeadline).get(5, TimeUnit.SECONDS);
        // the loop resumes the time 300 ms later and notes, in the same task, whether the wait expired
        boolean expiredWhileStanding = loop.schedule(() -> {
            boolean done = expiredAt.isDone();
            time.resume();
            return done;
        }, 300, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
        assertFalse(expiredWhileStanding, "nothing expires while the node's time stands");
        assertTrue(expiredAt.get(5, TimeUnit.SECONDS) - armedAt >= TimeUnit.MILLISECONDS.toNanos(300),
                "it expired after the time stood, not 50 ms after it was armed");
    }
}
