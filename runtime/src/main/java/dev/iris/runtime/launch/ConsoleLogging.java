package dev.iris.runtime.launch;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The node JVMs' console logging (java.util.logging, behind {@code System.Logger}): records below
 * WARNING go to standard output, WARNING and above to standard error, one line each (plus a stack
 * trace if any). JUL's default writes everything to standard error, which consoles show as errors.
 * Leaves logging alone when the JVM was given a configuration ({@code java.util.logging.config.file}
 * or {@code .class}).
 */
final class ConsoleLogging {
    private ConsoleLogging() {
    }

    /** Replaces the root logger's handlers, unless logging was configured on the command line. */
    static void install() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.INFO);
        Handler out = new ConsoleStream(System.out);
        out.setFilter(r -> r.getLevel().intValue() < Level.WARNING.intValue());
        Handler err = new ConsoleStream(System.err);
        err.setLevel(Level.WARNING);
        root.addHandler(out);
        root.addHandler(err);
    }

    /** A handler writing to a console stream, flushed per record and never closed. */
    private static final class ConsoleStream extends StreamHandler {
        ConsoleStream(PrintStream stream) {
            super(stream, new OneLine());
            setLevel(Level.ALL);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }

        @Override
        public synchronized void close() {
            flush();
        }
    }

    /** {@code 2026-11-03 10:12:00.123 INFO dev.iris.runtime.Node: message}. */
    private static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            String line = String.format("%1$tF %1$tT.%1$tL %2$s %3$s: %4$s%n", record.getMillis(),
                    record.getLevel().getName(), record.getLoggerName(), formatMessage(record));
            if (record.getThrown() == null) {
                return line;
            }
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            return line + trace;
        }
    }
}
