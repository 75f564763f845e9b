package dev.iris.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** The {@link Kernel} of one process. */
final class KernelImpl implements Kernel {
    private final Node node;
    private final ProcessTable.Entry self;

    KernelImpl(Node node, ProcessTable.Entry self) {
        this.node = node;
        this.self = self;
    }

    @Override
    public ProcessId self() {
        return self.pid;
    }

    @Override
    public NodeId node() {
        return node.id();
    }

    @Override
    public Object send(ProcessId to, Object message, Duration timeout) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(message, "message");
        return node.send(self.pid, to, message, timeout);
    }

    @Override
    public Request receive() throws InterruptedException {
        Request r = self.mailbox.take();
        self.unanswered.add(r);
        return r;
    }

    @Override
    public Request receive(Duration timeout) throws InterruptedException {
        Request r = self.mailbox.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (r != null) {
            self.unanswered.add(r);
        }
        return r;
    }

    @Override
    public void reply(Request request, Object message) {
        Objects.requireNonNull(message, "message");
        take(request, "reply to");
        node.reply(self.pid, request, message);
    }

    @Override
    public void forward(Request request, ProcessId to) {
        Objects.requireNonNull(to, "to");
        take(request, "forward");
        node.forward(request, to);
    }

    private void take(Request request, String what) {
        if (!self.unanswered.remove(request)) {
            throw new IllegalStateException("cannot " + what + " " + request
                    + ": it was not received by this process or is already answered");
        }
    }
}
