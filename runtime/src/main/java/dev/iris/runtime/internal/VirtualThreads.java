package dev.iris.runtime.internal;

import java.lang.reflect.Constructor;
import java.lang.reflect.InaccessibleObjectException;
import java.util.concurrent.Executor;

/**
 * Virtual threads with a scheduler of the caller's ({@link LoopCarriers}, a simulation's). The JDK
 * has no public API for it: this uses the constructor of {@code java.lang.ThreadBuilders.VirtualThreadBuilder}
 * that takes one (there since Java 21, "for tests"), which needs {@code --add-opens java.base/java.lang=ALL-UNNAMED};
 * and Java 24 or newer, where a virtual thread that waits on a monitor no longer pins its carrier
 * (JEP 491). {@link #unavailable} says what is missing.
 */
public final class VirtualThreads {
    private static final String UNAVAILABLE;
    private static final Constructor<?> BUILDER;

    static {
        Constructor<?> builder = null;
        String unavailable = null;
        if (Runtime.version().feature() < 24) {
            unavailable = "Java 24 or newer (this is Java " + Runtime.version().feature() + ")";
        } else {
            try {
                builder = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                        .getDeclaredConstructor(Executor.class);
                builder.setAccessible(true);
            } catch (InaccessibleObjectException e) {
                unavailable = "the JVM option --add-opens java.base/java.lang=ALL-UNNAMED";
            } catch (ReflectiveOperationException | RuntimeException e) {
                unavailable = "a JDK whose virtual thread builder takes a scheduler (this one: " + e + ")";
            }
        }
        BUILDER = unavailable == null ? builder : null;
        UNAVAILABLE = unavailable;
    }

    private VirtualThreads() {
    }

    /** What this JVM lacks for virtual threads with a scheduler of their own, or null if nothing. */
    public static String unavailable() {
        return UNAVAILABLE;
    }

    /**
     * A builder of virtual threads whose every resumption is a task for {@code scheduler}.
     *
     * @throws IllegalStateException if {@link #unavailable}
     */
    public static Thread.Builder.OfVirtual builder(Executor scheduler) {
        if (UNAVAILABLE != null) {
            throw new IllegalStateException("virtual threads with a scheduler of their own need " + UNAVAILABLE);
        }
        try {
            return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a virtual thread with a scheduler of its own", e);
        }
    }
}
