package io.bcgateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;

class StdoutAccessLogTest {

    private static final long AT = Instant.parse("2026-12-07T06:12:43.045Z").toEpochMilli();

    /** Every write(2) the writer made, as it made it. */
    private static final class Writes extends OutputStream {
        final List<byte[]> writes = new CopyOnWriteArrayList<>();

        @Override
        public void write(int b) {
            writes.add(new byte[] {(byte) b});
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(Arrays.copyOfRange(b, off, off + len));
        }

        String text() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            writes.forEach(all::writeBytes);
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    private static StdoutAccessLog log(OutputStream out, ZoneId zone) {
        return new StdoutAccessLog(out, () -> AT, zone).start();
    }

    @Test
    void theLineIsWhatQuarkusDefaultConsoleFormatMakesOfTheLoggersLine() {
        Writes out = new Writes();
        StdoutAccessLog log = log(out, ZoneOffset.ofHours(1));
        log.append("GET", "sim", "/bc/sim/api/v2.0/companies(5a1b)/customers", 200, 20, 1,
                "b67f5fce-0000-4000-8000-000000000001", "reporting", "vert.x-eventloop-thread-0");
        log.append("PATCH", "sim", "/bc/sim/api/v2.0/companies", 0, 3, 0, null, "local", "vert.x-eventloop-thread-1");
        log.close();
        assertEquals("2026-12-07 07:12:43,045 INFO  [io.bcgateway.access] (vert.x-eventloop-thread-0) GET "
                + "/bc/sim/api/v2.0/companies(*)/customers connection=sim status=200 duration_ms=20 attempts=1 "
                + "bc_request_id=b67f5fce-0000-4000-8000-000000000001 caller=reporting\n"
                + "2026-12-07 07:12:43,045 INFO  [io.bcgateway.access] (vert.x-eventloop-thread-1) PATCH "
                + "/bc/sim/api/v2.0/companies connection=sim status=0 duration_ms=3 attempts=0 bc_request_id=- "
                + "caller=local\n", out.text());
    }

    @Test
    void thePathTemplateIsTheLoggersTemplate() {
        for (String path : List.of("/bc/x/api/v2.0/companies(5a1b)/customers%28c2%29",
                "/bc/x/ODataV4/Company('CRONUS%20USA')/Customer", "/bc/x/api/v2.0/companies", "/bc/x/a(b/c)d(e)",
                "/bc/x/((((((/(x)", "/bc/x/()", "/bc/x/%28%29%2", "/bc/x/a(", "/bc/x/Firma(München)/Kunde(1)/z(",
                "/bc/x/emoji\uD83D\uDE00(\uD83D\uDE00)/ünï")) {
            Writes out = new Writes();
            StdoutAccessLog log = log(out, ZoneOffset.UTC);
            log.append("GET", "x", path, 200, 1, 1, null, "local", "t");
            log.close();
            String line = out.text();
            String templated = line.substring(line.indexOf(") GET ") + 6, line.indexOf(" connection="));
            assertEquals(AccessLog.template(path), templated, path);
        }
    }

    @Test
    void controlCharactersCannotStartAnotherLine() {
        Writes out = new Writes();
        StdoutAccessLog log = log(out, ZoneOffset.UTC);
        log.append("GET", "sim", "/bc/sim/x", 200, 1, 1, "id\r\n2026-12-07 FAKE line\u007f", "local", "t");
        log.close();
        String text = out.text();
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), text);
        assertTrue(text.endsWith("bc_request_id=id??2026-12-07 FAKE line? caller=local\n"), text);
    }

    @Test
    void everyWriteHoldsWholeLinesAndAtMostPipeBufBytes() {
        Writes out = new Writes();
        StdoutAccessLog log = log(out, ZoneOffset.UTC);
        for (int i = 0; i < 2000; i++) {
            log.append("GET", "sim", "/bc/sim/api/v2.0/companies(" + i + ")/customers", 200, i, 1, null, "local", "t");
        }
        log.close();
        assertEquals(2000 - log.dropped(), out.text().lines().count());
        assertTrue(out.writes.size() > 1);
        for (byte[] write : out.writes) {
            assertTrue(write.length <= StdoutAccessLog.MAX_WRITE, "write of " + write.length + " bytes");
            assertEquals('\n', write[write.length - 1], "a write ends a line");
        }
    }

    @Test
    void linesLoggedTogetherAreWrittenTogetherWithoutWaitingForShutdown() {
        Writes out = new Writes();
        StdoutAccessLog log = log(out, ZoneOffset.UTC);
        int lines = 200; // about 30 KB: less than half a buffer, so the writer waits out its batch time
        for (int i = 0; i < lines; i++) {
            log.append("GET", "sim", "/bc/sim/api/v2.0/companies(" + i + ")/customers", 200, i, 1, null, "local", "t");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (out.text().lines().count() < lines && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertEquals(lines, out.text().lines().count(), "every line written by the writer, before any close()");
        int bytes = out.writes.stream().mapToInt(w -> w.length).sum();
        // One batch in full 4 KB writes (a line per write would be 200); a little slack for a burst that a busy
        // machine splits across two batches.
        assertTrue(out.writes.size() <= bytes / StdoutAccessLog.MAX_WRITE + 3,
                out.writes.size() + " writes for " + bytes + " bytes");
        log.close();
    }

    @Test
    void aLineLongerThanOneWriteIsWrittenAloneAndWhole() {
        Writes out = new Writes();
        StdoutAccessLog log = log(out, ZoneOffset.UTC);
        String longPath = "/bc/sim/" + "a".repeat(5000);
        log.append("GET", "sim", "/bc/sim/short", 200, 1, 1, null, "local", "t");
        log.append("GET", "sim", longPath, 200, 1, 1, null, "local", "t");
        log.append("GET", "sim", "/bc/sim/short", 200, 1, 1, null, "local", "t");
        log.close();
        assertTrue(out.writes.stream().anyMatch(w -> new String(w, StandardCharsets.UTF_8).contains(longPath)
                && new String(w, StandardCharsets.UTF_8).indexOf('\n') == w.length - 1));
        assertEquals(3, out.text().lines().count());
    }

    @Test
    void closeWritesOutEveryBufferedLineAndLaterLinesAreWrittenAtOnce() {
        Writes out = new Writes();
        StdoutAccessLog log = log(out, ZoneOffset.UTC);
        for (int i = 0; i < 50; i++) {
            log.append("GET", "sim", "/bc/sim/companies", 200, 8000, 1, null, "local", "t");
        }
        log.close();
        assertEquals(50, out.text().lines().count(), "the lines buffered at shutdown are written");
        log.append("GET", "sim", "/bc/sim/late", 200, 1, 1, null, "local", "t");
        assertTrue(out.text().endsWith("/bc/sim/late connection=sim status=200 duration_ms=1 attempts=1 "
                + "bc_request_id=- caller=local\n"), "a line after shutdown is written by its caller");
        assertEquals(0, log.dropped());
    }

    @Test
    void aStdoutThatCannotKeepUpCostsDroppedLinesNotABlockedEventLoop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        Writes written = new Writes();
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                blocked.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                written.write(b, off, len);
            }
        };
        StdoutAccessLog log = log(stuck, ZoneOffset.UTC);
        log.append("GET", "sim", "/bc/sim/first", 200, 1, 1, null, "local", "t");
        assertTrue(blocked.await(10, TimeUnit.SECONDS), "the writer is stuck in write(2)");
        int lines = 10_000; // about 1.5 MB of lines against two buffers of 128 KB
        long started = System.nanoTime();
        for (int i = 0; i < lines; i++) {
            log.append("GET", "sim", "/bc/sim/api/v2.0/companies(" + i + ")/customers", 200, 1, 1, null, "local", "t");
        }
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(log.dropped() > 0, "lines beyond the buffer are dropped");
        assertTrue(tookMillis < 5_000, "appending never waited for the stuck stdout: " + tookMillis + " ms");
        release.countDown();
        log.close();
        assertEquals(lines + 1, written.text().lines().count() + log.dropped(), "every line written or counted");
    }

    @Test
    void aLineAllocatesNothing() {
        StdoutAccessLog log = log(OutputStream.nullOutputStream(), ZoneOffset.UTC);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        String path = "/bc/sim/api/v2.0/companies(5a1b)/customers%28c2%29";
        String requestId = "b67f5fce-0000-4000-8000-000000000001";
        for (int i = 0; i < 20_000; i++) { // warm-up
            log.append("GET", "sim", path, 200, i, 1, requestId, "reporting", "vert.x-eventloop-thread-0");
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        int lines = 100_000;
        for (int i = 0; i < lines; i++) {
            log.append("GET", "sim", path, 200, i, 1, requestId, "reporting", "vert.x-eventloop-thread-0");
        }
        long perLine = (threads.getCurrentThreadAllocatedBytes() - before) / lines;
        log.close();
        // The logger's path allocated 2.8-4.8 KB per line (docs/benchmarks.md); a new second's text is the only
        // allocation left, and the fixed clock here never moves.
        assertTrue(perLine < 8, perLine + " bytes per line");
        assertFalse(perLine < 0);
    }
}
