package io.bcgateway.proxy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log's cheap output ({@code gateway.access-log.output=stdout}): the line is formatted by the caller's
 * thread (an event loop) straight into a fixed buffer, and one background thread writes the gathered lines out.
 *
 * <p>Why: through JBoss LogManager each line cost a log record, a pattern formatter run ({@code %d} alone makes a
 * {@code ZonedDateTime} and a {@code BigDecimal}), a string encode and a {@code write(2)} on the event loop: about
 * 3-5 KB of garbage and one system call per request. Here a line allocates nothing (the timestamp's date and time
 * are formatted once per second) and costs one pass over its text, and the writer makes one {@code write(2)} per 4 KB
 * of lines and wakes up at most every {@value #BATCH_MILLIS} ms (sooner only when half a buffer is full), rather than
 * once per request or per few lines: on the core the event loop shares, each wake-up is a switch away from it.
 *
 * <ul>
 * <li><b>Same text as the console.</b> The line is what Quarkus' default console format
 * ({@code %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c] (%t) %s%e%n}) makes of the logger's line, in the JVM's time zone.</li>
 * <li><b>Never interleaved.</b> Each {@code write(2)} holds whole lines and at most {@value #MAX_WRITE} bytes (Linux's
 * {@code PIPE_BUF}): a write that size to a pipe is atomic, so the console handler's own lines on the same pipe fall
 * between the access log's lines, never inside one. (A single line longer than that, which needs a path of about
 * 4 KB, is written alone.)</li>
 * <li><b>Bounded, never blocking the event loop.</b> Two buffers of {@value #BUFFER} bytes: callers fill one while the
 * writer empties the other. When the one being filled is full (stdout slower than the traffic) the line is dropped
 * and counted ({@link #dropped()}, the metric {@code bc_gateway_access_log_dropped_total}); callers only ever hold
 * the lock to copy a line, never while anything is written.</li>
 * <li><b>Nothing lost on shutdown.</b> {@link #close()} writes what is buffered; a line logged after that is written
 * at once by its caller. (A killed process loses at most the last {@value #BATCH_MILLIS} ms of lines.)</li>
 * <li><b>Safe text.</b> Control characters (a line break in a header value from BC, say) become {@code ?}, so one
 * request is always one line; the rest is UTF-8.</li>
 * </ul>
 */
final class StdoutAccessLog {

    /** The largest write: Linux's PIPE_BUF, below which a write to a pipe is never split or interleaved. */
    static final int MAX_WRITE = 4096;
    /** Each of the two buffers; about 800 lines. */
    static final int BUFFER = 128 * 1024;
    /**
     * How long the writer lets lines gather before it writes them, unless half a buffer fills first: at most 20 wake-ups
     * a second under any load, and a line on stdout at most this late.
     */
    static final long BATCH_MILLIS = 50;
    private static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(BATCH_MILLIS);
    /** A batch is written early once this much is buffered, leaving the other half for the time the write takes. */
    private static final int EARLY = BUFFER / 2;

    /** What the writer waits for ({@link #writerWaits}), so that a caller wakes it only when it must. */
    private static final byte NOT_WAITING = 0;
    private static final byte FIRST_LINE = 1;
    private static final byte HALF_FULL = 2;

    private static final byte[] LEVEL_AND_CATEGORY = ascii(" INFO  [io.bcgateway.access] (");
    private static final byte[] CONNECTION = ascii(" connection=");
    private static final byte[] STATUS = ascii(" status=");
    private static final byte[] DURATION = ascii(" duration_ms=");
    private static final byte[] ATTEMPTS = ascii(" attempts=");
    private static final byte[] REQUEST_ID = ascii(" bc_request_id=");
    private static final byte[] NO_REQUEST_ID = ascii(" bc_request_id=-");
    private static final byte[] CALLER = ascii(" caller=");
    private static final byte[] KEY = ascii("(*)");

    /** The wall clock of the timestamps ({@code System::currentTimeMillis}; tests pass their own). */
    interface Clock {
        long millis();
    }

    private final OutputStream out;
    private final Clock clock;
    private final ZoneId zone;
    private final AtomicLong dropped = new AtomicLong();
    private final Thread writer;

    // Guarded by this.
    private byte[] filling = new byte[BUFFER];
    private int filled;
    private byte[] emptied = new byte[BUFFER];
    private byte writerWaits = NOT_WAITING;
    private boolean closed;
    /** The timestamp's "yyyy-MM-dd HH:mm:ss" of {@link #second}. */
    private final byte[] secondText = new byte[19];
    private long second = Long.MIN_VALUE;

    /** Writes to {@code out} (in production a {@code FileOutputStream} on file descriptor 1) once {@link #start}ed. */
    StdoutAccessLog(OutputStream out, Clock clock, ZoneId zone) {
        this.out = out;
        this.clock = clock;
        this.zone = zone;
        this.writer = new Thread(this::writeUntilClosed, "bc-gateway-access-log");
        this.writer.setDaemon(true);
    }

    StdoutAccessLog start() {
        writer.start();
        return this;
    }

    /** Lines dropped because the buffer was full (stdout could not keep up) or stdout failed. */
    long dropped() {
        return dropped.get();
    }

    /** Appends one line; see {@link AccessLog#log} for the fields. */
    void append(String method, String connection, String path, int status, long durationMillis, int attempts,
            String bcRequestId, String caller, String thread) {
        // A generous bound of the line's length (3 bytes per char, plus the fixed text), checked before writing so
        // that a line is written whole or not at all.
        long bound = 120L + 3L * ((long) method.length() + connection.length() + path.length() + thread.length()
                + (bcRequestId == null ? 1 : bcRequestId.length()) + caller.length());
        synchronized (this) {
            if (bound > BUFFER - filled) {
                dropped.incrementAndGet();
                return;
            }
            timestamp(clock.millis());
            put(LEVEL_AND_CATEGORY);
            text(thread);
            put((byte) ')');
            put((byte) ' ');
            text(method);
            put((byte) ' ');
            template(path);
            put(CONNECTION);
            text(connection);
            put(STATUS);
            number(status);
            put(DURATION);
            number(durationMillis);
            put(ATTEMPTS);
            number(attempts);
            if (bcRequestId == null) {
                put(NO_REQUEST_ID);
            } else {
                put(REQUEST_ID);
                text(bcRequestId);
            }
            put(CALLER);
            text(caller);
            put((byte) '\n');
            if (closed) {
                writeOut(filling, filled); // after shutdown nobody else will: write it now
                filled = 0;
            } else if (writerWaits == FIRST_LINE || writerWaits == HALF_FULL && filled >= EARLY) {
                // The first line after a quiet spell, or a batch that fills faster than BATCH_MILLIS: under load
                // about one notify per half buffer (hundreds of lines), never one per line.
                writerWaits = NOT_WAITING;
                notify();
            }
        }
    }

    /** Writes out what is buffered and stops the writer; lines appended afterwards are written at once. */
    void close() {
        synchronized (this) {
            closed = true;
            notify();
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            writeOut(filling, filled); // whatever the writer left (it had not started, or timed out)
            filled = 0;
        }
    }

    private void writeUntilClosed() {
        while (true) {
            byte[] batch;
            int length;
            synchronized (this) {
                try {
                    while (filled == 0 && !closed) {
                        writerWaits = FIRST_LINE; // idle: no wake-up until there is a line
                        wait();
                    }
                    // Let the batch gather (every caller's line goes into the same write) for BATCH_MILLIS, or until
                    // half the buffer is full.
                    long deadline = System.nanoTime() + BATCH_NANOS;
                    for (long left = BATCH_NANOS; filled < EARLY && !closed && left > 0;
                            left = deadline - System.nanoTime()) {
                        writerWaits = HALF_FULL;
                        TimeUnit.NANOSECONDS.timedWait(this, left);
                    }
                } catch (InterruptedException e) {
                    closed = true;
                }
                writerWaits = NOT_WAITING;
                if (closed) {
                    return; // close() writes what is left
                }
                batch = filling;
                length = filled;
                filling = emptied;
                filled = 0;
                emptied = batch;
            }
            // Outside the lock: callers go on filling the other buffer while this one is written.
            writeOut(batch, length);
        }
    }

    /** Writes {@code length} bytes of whole lines in writes of at most {@link #MAX_WRITE} bytes, each ending a line. */
    private void writeOut(byte[] lines, int length) {
        int from = 0;
        while (from < length) {
            int to = Math.min(from + MAX_WRITE, length);
            if (to < length) {
                int lastBreak = lastIndexOf(lines, (byte) '\n', from, to);
                if (lastBreak >= from) {
                    to = lastBreak + 1;
                } else {
                    int end = indexOf(lines, (byte) '\n', to, length); // one line longer than MAX_WRITE: alone
                    to = end < 0 ? length : end + 1;
                }
            }
            try {
                out.write(lines, from, to - from);
            } catch (IOException e) {
                dropped.addAndGet(count(lines, (byte) '\n', from, to));
            }
            from = to;
        }
        try {
            out.flush();
        } catch (IOException e) {
            // nothing buffered that a retry would save; the lines were counted as dropped above
        }
    }

    private static int lastIndexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = to - 1; i >= from; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] bytes, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int count(byte[] bytes, byte b, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                n++;
            }
        }
        return n;
    }

    // Formatting, into filling at filled; the callers hold the lock and checked the room.

    /** {@code yyyy-MM-dd HH:mm:ss,SSS}; the date and time are formatted once per second. */
    private void timestamp(long millis) {
        long s = Math.floorDiv(millis, 1000);
        if (s != second) {
            LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochSecond(s), zone);
            digits(secondText, 0, t.getYear(), 4);
            secondText[4] = '-';
            digits(secondText, 5, t.getMonthValue(), 2);
            secondText[7] = '-';
            digits(secondText, 8, t.getDayOfMonth(), 2);
            secondText[10] = ' ';
            digits(secondText, 11, t.getHour(), 2);
            secondText[13] = ':';
            digits(secondText, 14, t.getMinute(), 2);
            secondText[16] = ':';
            digits(secondText, 17, t.getSecond(), 2);
            second = s;
        }
        put(secondText);
        put((byte) ',');
        digits(filling, filled, (int) Math.floorMod(millis, 1000), 3);
        filled += 3;
    }

    private static void digits(byte[] into, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            into[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
    }

    private void number(long value) {
        if (value < 0) {
            put((byte) '-');
            value = -value; // durations and counts are never near Long.MIN_VALUE
        }
        int start = filled;
        do {
            filling[filled++] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value > 0);
        for (int i = start, j = filled - 1; i < j; i++, j--) {
            byte b = filling[i];
            filling[i] = filling[j];
            filling[j] = b;
        }
    }

    private void put(byte b) {
        filling[filled++] = b;
    }

    private void put(byte[] bytes) {
        System.arraycopy(bytes, 0, filling, filled, bytes.length);
        filled += bytes.length;
    }

    private static byte[] ascii(String constant) {
        return constant.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code s} as UTF-8, control characters as {@code ?}: a tight copy while it is printable ASCII (nearly always). */
    private void text(String s) {
        byte[] into = filling;
        int at = filled;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                into[at++] = (byte) c;
            } else {
                filled = at;
                i += character(c, i + 1 < n ? s.charAt(i + 1) : 0) - 1;
                at = filled;
            }
        }
        filled = at;
    }

    /**
     * Writes {@code c} as UTF-8, control characters as {@code ?}; {@code next} is the char after it (0 at the end),
     * for a surrogate pair. Returns how many chars it used: 2 for a pair, else 1.
     */
    private int character(char c, char next) {
        if (c < 0x80) {
            filling[filled++] = c < 0x20 || c == 0x7f ? (byte) '?' : (byte) c;
        } else if (c < 0x800) {
            filling[filled++] = (byte) (0xc0 | c >> 6);
            filling[filled++] = (byte) (0x80 | c & 0x3f);
        } else if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
            int cp = Character.toCodePoint(c, next);
            filling[filled++] = (byte) (0xf0 | cp >> 18);
            filling[filled++] = (byte) (0x80 | cp >> 12 & 0x3f);
            filling[filled++] = (byte) (0x80 | cp >> 6 & 0x3f);
            filling[filled++] = (byte) (0x80 | cp & 0x3f);
            return 2;
        } else if (Character.isSurrogate(c)) {
            filling[filled++] = '?';
        } else {
            filling[filled++] = (byte) (0xe0 | c >> 12);
            filling[filled++] = (byte) (0x80 | c >> 6 & 0x3f);
            filling[filled++] = (byte) (0x80 | c & 0x3f);
        }
        return 1;
    }

    /**
     * The path as {@link AccessLog#template} makes it, in one pass over the path and without building a string:
     * {@code %28}/{@code %29} are read as parentheses where they stand, and a key ({@code (} up to the next {@code )}
     * with no {@code /} in between) is written as {@code (*)}.
     */
    private void template(String path) {
        int n = path.length();
        int i = 0;
        while (i < n) {
            int open = parenthesis(path, i, n, '(', '8');
            if (open == 0) {
                i = literal(path, i, n);
                continue;
            }
            int end = i + open;
            int close = 0;
            while (end < n && path.charAt(end) != '/' && (close = parenthesis(path, end, n, ')', '9')) == 0) {
                end++;
            }
            if (close > 0) {
                put(KEY);
                i = end + close;
            } else {
                // No key here, nor at any '(' before 'end': each of them would stop at the same '/' or the end. So
                // the text up to 'end' is copied as it is (a linear scan even for a path of many '(').
                while (i < end) {
                    i = literal(path, i, n);
                }
            }
        }
    }

    /** 1 when {@code path} has {@code c} at {@code i}, 3 when it has {@code %2<digit>} there (c encoded), else 0. */
    private static int parenthesis(String path, int i, int n, char c, char digit) {
        char at = path.charAt(i);
        if (at == c) {
            return 1;
        }
        return at == '%' && i + 2 < n && path.charAt(i + 1) == '2' && path.charAt(i + 2) == digit ? 3 : 0;
    }

    /** Writes the path's character at {@code i} (an encoded parenthesis decoded); returns the index after it. */
    private int literal(String path, int i, int n) {
        char c = path.charAt(i);
        if (c >= 0x20 && c < 0x7f) {
            if (c == '%' && i + 2 < n && path.charAt(i + 1) == '2') {
                char digit = path.charAt(i + 2);
                if (digit == '8' || digit == '9') {
                    filling[filled++] = digit == '8' ? (byte) '(' : (byte) ')';
                    return i + 3;
                }
            }
            filling[filled++] = (byte) c;
            return i + 1;
        }
        return i + character(c, i + 1 < n ? path.charAt(i + 1) : 0);
    }
}
