// ns and bytes allocated per page by BcLinkRewriter before and after its array scan (issue 15, round 3), on the
// overhead benchmark's own page (bench/overhead/page.py), old and new interleaved in one JVM (ABAB..., medians).
// Not part of the build. From the worktree:
//   mkdir -p /tmp/rs/out /tmp/rs/www && git show <before>:src/main/java/io/bcgateway/proxy/BcLinkRewriter.java \
//       | sed 's/BcLinkRewriter/BcLinkRewriterOld/g' > /tmp/rs/BcLinkRewriterOld.java
//   python3 bench/overhead/page.py /tmp/rs/www http://127.0.0.1:41234/BC 20
//   ./mvnw -q compile dependency:build-classpath -Dmdep.outputFile=/tmp/rs/cp.txt
//   javac -d /tmp/rs/out -cp target/classes:$(cat /tmp/rs/cp.txt) /tmp/rs/BcLinkRewriterOld.java bench/rewriter-alloc/RewriterScan.java
//   java -cp /tmp/rs/out:target/classes:$(cat /tmp/rs/cp.txt) io.bcgateway.proxy.RewriterScan /tmp/rs/www/customers.json \
//       /tmp/rs/www/customers-paged.json
package io.bcgateway.proxy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import com.sun.management.ThreadMXBean;

import io.vertx.core.buffer.Buffer;

/** Old and new BcLinkRewriter over one page, interleaved (throwaway harness). */
public class RewriterScan {

    interface Rw {
        Buffer process(Buffer b);

        Buffer finish();
    }

    static final int PAGES = 20_000;
    static final int PAIRS = 7;

    public static void main(String[] args) throws Exception {
        // The pages' own BC address (on-premises shape, as bench/overhead.sh configures it), and the same pages as
        // BC online writes them (tenant and environment after /v2.0/).
        String onPremBase = "http://127.0.0.1:41234/BC/";
        String onlineBase = "https://api.businesscentral.dynamics.com/v2.0/";
        String tenantEnv = "7e1f6a4c-2b1d-4c8e-9a53-0d6a1c2b3e4f/Production/";
        String gw = "http://127.0.0.1:8080/bc/bench/";
        System.out.println("java " + System.getProperty("java.version") + ", " + PAGES + " pages per measurement, "
                + PAIRS + " interleaved pairs, medians");
        System.out.println("| page | piece | old CPU ns/page | new CPU ns/page | old B/page | new B/page |");
        System.out.println("|---|---|---|---|---|---|");
        List<String[]> cases = new ArrayList<>();
        for (String file : args) {
            String page = Files.readString(Path.of(file));
            String name = Path.of(file).getFileName().toString();
            cases.add(new String[] { name + ", on-premises anchor", page, onPremBase, null });
            cases.add(new String[] { name + ", online anchor", page.replace(onPremBase, onlineBase + tenantEnv),
                onlineBase, "production" });
        }
        for (String[] c : cases) {
            byte[] anchor = c[2].getBytes(StandardCharsets.US_ASCII);
            AnchorSearch search = new AnchorSearch(anchor);
            byte[] env = c[3] == null ? null : c[3].getBytes(StandardCharsets.US_ASCII);
            byte[] prefix = gw.getBytes(StandardCharsets.UTF_8);
            Supplier<Rw> old = () -> {
                BcLinkRewriterOld r = new BcLinkRewriterOld(anchor, env, prefix);
                return new Rw() {
                    public Buffer process(Buffer b) { return r.process(b); }
                    public Buffer finish() { return r.finish(); }
                };
            };
            Supplier<Rw> neu = () -> {
                BcLinkRewriter r = new BcLinkRewriter(search, env, prefix);
                return new Rw() {
                    public Buffer process(Buffer b) { return r.process(b); }
                    public Buffer finish() { return r.finish(); }
                };
            };
            for (int size : new int[] { 8192, Integer.MAX_VALUE }) {
                List<Buffer> chunks = pieces(c[1], size);
                String a = once(chunks, old), b = once(chunks, neu);
                if (!a.equals(b) || a.contains(c[2]) || !a.contains(gw)) {
                    throw new AssertionError("old and new differ, or the page was not rewritten: " + c[0]);
                }
                for (int w = 0; w < 3; w++) {
                    measure(chunks, old);
                    measure(chunks, neu);
                }
                long[][] o = new long[PAIRS][], n = new long[PAIRS][];
                for (int p = 0; p < PAIRS; p++) {
                    o[p] = measure(chunks, old);
                    n[p] = measure(chunks, neu);
                }
                System.out.printf("| %s (%d B) | %s | %d | %d | %d | %d |%n", c[0], c[1].length(),
                        size == Integer.MAX_VALUE ? "whole" : size + " B", median(o, 1), median(n, 1), median(o, 0),
                        median(n, 0));
            }
        }
    }

    static String once(List<Buffer> chunks, Supplier<Rw> make) {
        Rw r = make.get();
        Buffer out = Buffer.buffer();
        for (Buffer c : chunks) {
            out.appendBuffer(r.process(c));
        }
        return out.appendBuffer(r.finish()).toString(StandardCharsets.UTF_8);
    }

    /**
     * Bytes allocated and this thread's CPU ns per page (CPU time rather than elapsed time: the machine is shared),
     * every piece through a fresh rewriter, as per response in the gateway.
     */
    static long[] measure(List<Buffer> chunks, Supplier<Rw> make) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long sink = 0;
        long a0 = mx.getThreadAllocatedBytes(id), t0 = mx.getCurrentThreadCpuTime();
        for (int p = 0; p < PAGES; p++) {
            Rw r = make.get();
            for (Buffer c : chunks) {
                sink += r.process(c).length();
            }
            sink += r.finish().length();
        }
        long t1 = mx.getCurrentThreadCpuTime(), a1 = mx.getThreadAllocatedBytes(id);
        if (sink == 42) {
            System.out.println();
        }
        return new long[] { (a1 - a0) / PAGES, (t1 - t0) / PAGES };
    }

    static long median(long[][] runs, int k) {
        long[] v = Arrays.stream(runs).mapToLong(r -> r[k]).sorted().toArray();
        return v[v.length / 2];
    }

    /** The page in heap pieces of {@code size} bytes, as Vert.x hands BC's answer over. */
    static List<Buffer> pieces(String page, int size) {
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        List<Buffer> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) {
            int n = Math.min(size, bytes.length - i);
            out.add(Buffer.buffer(n).appendBytes(bytes, i, n));
        }
        return out;
    }
}
