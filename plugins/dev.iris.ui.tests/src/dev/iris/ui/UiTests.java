package dev.iris.ui;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.swt.widgets.Display;

/** Helpers of the workbench tests, which run on the UI thread. */
public final class UiTests {
    private UiTests() {
    }

    /**
     * Runs the UI event loop until {@code condition} holds (work finishing in other threads and
     * posting to the UI thread); fails after 20 s, saying what was awaited and what was seen.
     */
    public static void processEventsUntil(BooleanSupplier condition, Supplier<String> what) {
        Display display = Display.getCurrent();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what.get());
            }
            if (!display.readAndDispatch()) {
                display.timerExec(20, () -> { });
                display.sleep();
            }
        }
    }

    /** {@link #processEventsUntil(BooleanSupplier, Supplier)} with a fixed description. */
    public static void processEventsUntil(BooleanSupplier condition) {
        processEventsUntil(condition, () -> "the condition");
    }
}
