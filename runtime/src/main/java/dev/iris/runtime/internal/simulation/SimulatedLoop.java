package dev.iris.runtime.internal.simulation;

import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.local.LocalIoHandler;

/** The one event loop of a simulation, on its clock, run by the scheduler's thread alone. */
final class SimulatedLoop extends ManualIoEventLoop {
    SimulatedLoop(Thread driver, Clock clock) {
        super(null, driver, LocalIoHandler.newFactory(), clock);
    }

    /** When the earliest scheduled task is due (on the clock), or -1 if none is scheduled. */
    long nextDeadline() {
        return nextScheduledTaskDeadlineNanos();
    }
}
