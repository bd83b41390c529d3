// Thread CPU per page of AnchorSearch.find before and after the sampled-window search (issue 15, round 4), old and
// new interleaved in one JVM (9 pairs after 3 warm-up pairs, medians), on the overhead benchmark's page cut in 8 KB
// pieces as Vert.x hands them over; every candidate found is stepped over, as the rewriter does. Not part of the
// build. From the worktree (<before> = the commit before the change, e.g. 4b60507):
//   mkdir -p /tmp/as/out /tmp/as/www && git show <before>:src/main/java/io/bcgateway/proxy/AnchorSearch.java \
//       | sed 's/AnchorSearch/AnchorSearchOld/g' > /tmp/as/AnchorSearchOld.java
//   python3 bench/overhead/page.py /tmp/as/www http://127.0.0.1:41234/BC 20
//   ./mvnw -q compile
//   javac -d /tmp/as/out -cp target/classes /tmp/as/AnchorSearchOld.java bench/rewriter-alloc/AnchorScan.java
//   java -cp /tmp/as/out:target/classes io.bcgateway.proxy.AnchorScan /tmp/as/www/customers.json http://127.0.0.1:41234/BC/
//   java -cp /tmp/as/out:target/classes io.bcgateway.proxy.AnchorScan /tmp/as/www/customers.json \
//       https://api.businesscentral.dynamics.com/v2.0/ 7e1f6a4c-2b1d-4c8e-9a53-0d6a1c2b3e4f/Production/
// (the second form puts the online anchor, tenant and environment where the page has the on-premises base).
package io.bcgateway.proxy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Old and new AnchorSearch over one page, interleaved (throwaway harness). */
public class AnchorScan {

    static final int PAGES = 50_000;
    static final int PIECE = 8192;
    static final int PAIRS = 9;

    public static void main(String[] args) throws Exception {
        byte[] page = Files.readAllBytes(Path.of(args[0]));
        byte[] anchor = args[1].getBytes(StandardCharsets.US_ASCII);
        if (args.length > 2) {
            page = new String(page, StandardCharsets.UTF_8).replace("http://127.0.0.1:41234/BC/", args[1] + args[2])
                    .getBytes(StandardCharsets.UTF_8);
        }
        AnchorSearch neu = new AnchorSearch(anchor);
        AnchorSearchOld old = new AnchorSearchOld(anchor);
        long[] o = new long[PAIRS], n = new long[PAIRS];
        for (int pair = -3; pair < PAIRS; pair++) { // three warm-up pairs
            long a = measure(page, old::find), b = measure(page, neu::find);
            if (pair >= 0) {
                o[pair] = a;
                n[pair] = b;
            }
        }
        Arrays.sort(o);
        Arrays.sort(n);
        System.out.println(args[1] + " (" + anchor.length + " B), page " + page.length + " B: old " + o[PAIRS / 2]
                + " ns/page, new " + n[PAIRS / 2] + " ns/page (thread CPU, medians of " + PAIRS + " pairs)");
    }

    interface Find {
        int find(byte[] a, int from, int to);
    }

    /** Thread CPU ns per page: every piece searched to its end, each candidate found stepped over. */
    static long measure(byte[] page, Find find) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        long t0 = mx.getCurrentThreadCpuTime();
        for (int p = 0; p < PAGES; p++) {
            for (int from = 0; from < page.length; from += PIECE) {
                int to = Math.min(page.length, from + PIECE);
                for (int at = find.find(page, from, to); at >= 0; at = find.find(page, at + 1, to)) {
                    sink += at;
                }
            }
        }
        long t1 = mx.getCurrentThreadCpuTime();
        if (sink == 42) {
            System.out.println();
        }
        return (t1 - t0) / PAGES;
    }
}
