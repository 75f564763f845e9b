package dev.iris.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Standard output while a program runs: every line a process prints is prefixed with its node
 * ({@code [n1] ...}); other threads' lines pass unchanged. Processes run on threads named
 * {@code iris:NODE:PROCESS:ID}. Lines are written whole, so the output of several nodes never
 * interleaves within a line.
 */
final class NodeOutput extends OutputStream {
    private final PrintStream out;
    private final ThreadLocal<ByteArrayOutputStream> line = ThreadLocal.withInitial(ByteArrayOutputStream::new);

    NodeOutput(PrintStream out) {
        this.out = out;
    }

    /** The stream to install as {@code System.out}. */
    PrintStream stream() {
        return new PrintStream(this, true, StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
        ByteArrayOutputStream buffer = line.get();
        if (b == '\n') {
            emit(buffer);
        } else {
            buffer.write(b);
        }
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            write(bytes[i]);
        }
    }

    /** Prints what the calling thread wrote since its last line (a prompt, a last word), then flushes. */
    @Override
    public void flush() {
        ByteArrayOutputStream buffer = line.get();
        if (buffer.size() > 0) {
            String text = buffer.toString(StandardCharsets.UTF_8);
            buffer.reset();
            String node = node(Thread.currentThread().getName());
            synchronized (out) {
                out.print(node == null ? text : "[" + node + "] " + text);
            }
        }
        out.flush();
    }

    private void emit(ByteArrayOutputStream buffer) {
        String text = buffer.toString(StandardCharsets.UTF_8);
        buffer.reset();
        String node = node(Thread.currentThread().getName());
        synchronized (out) {
            out.println(node == null ? text : "[" + node + "] " + text);
        }
    }

    /** The node of a process thread ({@code iris:NODE:...}), or null. */
    static String node(String threadName) {
        if (!threadName.startsWith("iris:")) {
            return null;
        }
        int end = threadName.indexOf(':', 5);
        return end < 0 ? null : threadName.substring(5, end);
    }
}
