package dev.iris.runtime.internal;

import java.util.ResourceBundle;
import java.util.function.Consumer;

/**
 * The runtime's loggers: {@link System.Logger}s whose records a simulation's threads hand to its
 * driver instead of writing them themselves ({@link #deferTo}). A process of a simulation that
 * writes to the console can block on a lock that a thread outside the simulation holds (a test
 * runner's thread that flushes the captured output): it would park holding the log handler's
 * monitor, the driver would block on that monitor, and its resumption would come from outside
 * the simulation. The driver writes the records once the process has parked, in their order.
 */
public final class Log implements System.Logger {
    private static final ThreadLocal<Consumer<Runnable>> DEFERRED = new ThreadLocal<>();
    private final System.Logger target;

    private Log(System.Logger target) {
        this.target = target;
    }

    /** The logger named after {@code type}. */
    public static System.Logger of(Class<?> type) {
        return new Log(System.getLogger(type.getName()));
    }

    /** From now on, the calling thread's records and {@link #later} work go to {@code driver}. */
    public static void deferTo(Consumer<Runnable> driver) {
        DEFERRED.set(driver);
    }

    /** Runs {@code output} (work that writes to the console), now or, on a simulation's thread, on its driver. */
    public static void later(Runnable output) {
        Consumer<Runnable> driver = DEFERRED.get();
        if (driver == null) {
            output.run();
        } else {
            driver.accept(output);
        }
    }

    @Override
    public String getName() {
        return target.getName();
    }

    @Override
    public boolean isLoggable(Level level) {
        return target.isLoggable(level);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        if (target.isLoggable(level)) { // a level that is off costs no record handed on
            later(() -> target.log(level, bundle, msg, thrown));
        }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        if (target.isLoggable(level)) {
            later(() -> target.log(level, bundle, format, params));
        }
    }
}
