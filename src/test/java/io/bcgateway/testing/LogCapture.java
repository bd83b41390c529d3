package io.bcgateway.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.function.Predicate;

/**
 * Collects every formatted log line (with stack traces) of the test JVM, so tests can scan them for secrets.
 * Lines logged after the response (the access log is written once the answer has gone out) are awaited with
 * {@link #awaitLines}, which wakes on each new line rather than sleeping.
 */
public final class LogCapture extends Handler implements AutoCloseable {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    public static LogCapture install() {
        LogCapture capture = new LogCapture();
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        StringBuilder sb = new StringBuilder(record.getLoggerName() + " " + formatter.formatMessage(record));
        if (record.getThrown() != null) {
            StringWriter w = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(w));
            sb.append('\n').append(w);
        }
        lines.add(sb.toString());
        if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
            errors.add(sb.toString());
        }
        synchronized (this) {
            notifyAll();
        }
    }

    /**
     * Waits (bounded by {@code timeout}) until at least {@code count} captured lines match, and returns the matching
     * lines seen by then; the caller asserts on what came back.
     */
    public List<String> awaitLines(Predicate<String> matching, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                List<String> matched = lines.stream().filter(matching).toList();
                long left = deadline - System.nanoTime();
                if (matched.size() >= count || left <= 0) {
                    return matched;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return matched;
                }
            }
        }
    }

    public List<String> lines() {
        return lines;
    }

    /** The lines logged at ERROR (JUL's SEVERE) or above. */
    public List<String> errors() {
        return errors;
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}
