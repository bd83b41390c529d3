// Run: java -cp "target/quarkus-app/lib/main/*:target/quarkus-app/app/*" bench/overhead/AccessLogCost.java
// (issue #15, round 3: the access log's stdout writer, io.bcgateway.proxy.StdoutAccessLog, in isolation)
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What one access line costs the event loop, and how often the writer thread wakes up and writes, at a steady rate:
 * <ul>
 * <li>CPU nanoseconds per line on the appending thread ({@code ThreadMXBean#getCurrentThreadCpuTime}, 5 rounds of
 * 1,000,000 lines, a benchmark-like line: the customers page's path, BC's request id, the event loop's name), the
 * line's formatting plus the hand-over of its bytes to a stream that only counts;</li>
 * <li>the writer's wake-ups (its {@code voluntary_ctxt_switches} in /proc) and {@code write} calls per 1000 lines,
 * while lines arrive at RATE per second (default 10,000, in bursts of 10 every millisecond) for 3 s.</li>
 * </ul>
 */
public class AccessLogCost {
    public static void main(String[] args) throws Throwable {
        int rate = Integer.parseInt(System.getProperty("rate", "10000"));
        Class<?> log = Class.forName("io.bcgateway.proxy.StdoutAccessLog");
        Class<?> clock = Class.forName("io.bcgateway.proxy.StdoutAccessLog$Clock");
        MethodHandles.Lookup in = MethodHandles.privateLookupIn(log, MethodHandles.lookup());
        MethodHandle make = in.findConstructor(log, MethodType.methodType(void.class, OutputStream.class, clock, ZoneId.class));
        MethodHandle start = in.findVirtual(log, "start", MethodType.methodType(log));
        MethodHandle close = in.findVirtual(log, "close", MethodType.methodType(void.class));
        MethodHandle append = in.findVirtual(log, "append", MethodType.methodType(void.class, String.class, String.class,
                String.class, int.class, long.class, int.class, String.class, String.class, String.class));
        Object wallClock = java.lang.reflect.Proxy.newProxyInstance(clock.getClassLoader(), new Class<?>[] {clock},
                (p, m, a) -> System.currentTimeMillis());
        AtomicLong writes = new AtomicLong();
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                writes.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.incrementAndGet();
            }
        };
        String path = "/bc/bench/api/v2.0/companies(ba419d35-0dfe-4af7-aee7-bbe10c45c028)/customers";
        String requestId = "b67f5fce-0000-4000-8000-000000000001";
        String thread = "vert.x-eventloop-thread-0";
        var mx = ManagementFactory.getThreadMXBean();

        // 1. CPU per line on the appending thread. The log is closed first, so that each line is formatted and then
        // handed to the (counting) stream by its caller: no writer thread competes for the lock, nothing is dropped.
        Object a = start.invoke(make.invoke(sink, wallClock, ZoneId.systemDefault()));
        close.invoke(a);
        for (int round = 0; round < 6; round++) {
            int n = 1_000_000;
            long cpu = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                append.invoke(a, "GET", "bench", path, 200, 3L, 1, requestId, "local", thread);
            }
            long perLine = (mx.getCurrentThreadCpuTime() - cpu) / n;
            System.out.printf("round %d: %d ns CPU per line on the appending thread%s%n", round, perLine,
                    round == 0 ? " (warm-up)" : "");
        }

        // 2. The writer's wake-ups and writes at a steady rate.
        Object b = start.invoke(make.invoke(sink, wallClock, ZoneId.systemDefault()));
        Path writer = writerTask();
        long switches0 = switches(writer);
        long writes0 = writes.get();
        int lines = rate * 3;
        long next = System.nanoTime();
        for (int i = 0; i < lines; i += 10) {
            for (int k = 0; k < 10; k++) {
                append.invoke(b, "GET", "bench", path, 200, 3L, 1, requestId, "local", thread);
            }
            next += TimeUnit.SECONDS.toNanos(10) / rate;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        long switches1 = switches(writer);
        long writes1 = writes.get();
        close.invoke(b);
        System.out.printf("%d lines/s for 3 s: writer wake-ups %.2f and writes %.2f per 1000 lines (%d and %d)%n",
                rate, (switches1 - switches0) * 1000.0 / lines, (writes1 - writes0) * 1000.0 / lines,
                switches1 - switches0, writes1 - writes0);
    }

    /** /proc/self/task/<tid> of the writer thread (its name, cut to 15 characters, is its comm). */
    private static Path writerTask() throws Exception {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                if (Files.readString(t.resolve("comm")).trim().equals("bc-gateway-acce")) {
                    return t;
                }
            }
        }
        throw new IllegalStateException("no bc-gateway-access-log thread");
    }

    private static long switches(Path task) throws Exception {
        for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IllegalStateException("no voluntary_ctxt_switches in " + task);
    }
}
