package dev.iris.runtime;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** Captures the connection refusals the handshake logs, from creation until closed (for tests of who is let in). */
public final class Refusals implements AutoCloseable {
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Logger log = Logger.getLogger("dev.iris.runtime.transport.HandshakeHandler");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String text = new SimpleFormatter().formatMessage(record);
            if (text.startsWith("Refusing connection")) {
                lines.add(text);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    public Refusals() {
        log.addHandler(capture);
    }

    /** The next refusal logged (and not yet taken), waiting up to 10 s for it; null if none came. */
    public String next() throws InterruptedException {
        return lines.poll(10, TimeUnit.SECONDS);
    }

    /** The refusals logged and not yet taken. */
    public List<String> all() {
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        log.removeHandler(capture);
    }
}
