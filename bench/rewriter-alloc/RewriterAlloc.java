// Bytes allocated and ns per page by the old NextLinkRewriter (commit 627c6fe) and BcLinkRewriter, measured with
// ThreadMXBean.getThreadAllocatedBytes over 100,000 pages in 8 KiB pieces (issue 16, section 3). Not part of the build.
//   mkdir -p /tmp/ra/out && git show 627c6fe:src/main/java/io/bcgateway/proxy/NextLinkRewriter.java > /tmp/ra/NextLinkRewriter.java
//   ./mvnw -q compile dependency:build-classpath -Dmdep.outputFile=/tmp/ra/cp.txt
//   javac -d /tmp/ra/out -cp target/classes:$(cat /tmp/ra/cp.txt) /tmp/ra/NextLinkRewriter.java bench/rewriter-alloc/RewriterAlloc.java
//   java -cp /tmp/ra/out:target/classes:$(cat /tmp/ra/cp.txt) io.bcgateway.proxy.RewriterAlloc
package io.bcgateway.proxy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import com.sun.management.ThreadMXBean;

import io.vertx.core.buffer.Buffer;

/** Bytes allocated and ns per page by the old NextLinkRewriter and the new BcLinkRewriter (throwaway harness). */
public class RewriterAlloc {
    static final String BC = "http://127.0.0.1:41234/v2.0/";
    static final String ROOT = BC + "production/api/v2.0/";
    static final String GW = "http://localhost:8080/bc/sim/";

    static String entity(int i, boolean full) {
        String url = ROOT + "companies(c1)/customers(" + i + ")";
        return "{" + (full ? "\"@odata.type\":\"#Microsoft.NAV.customer\",\"@odata.id\":\"" + url + "\"," : "")
                + "\"@odata.etag\":\"W/\\\"JzE5OzgzMTM5MjY4MTQ1NzY2MDMzNDIxOzAwOyc=\\\"\","
                + (full ? "\"@odata.editLink\":\"" + url + "\"," : "")
                + "\"id\":\"a1b2c3d4-0000-4000-8000-00000000" + String.format("%04d", i) + "\",\"number\":\"" + (10000 + i)
                + "\",\"displayName\":\"Customer number " + i + " Ltd.\",\"type\":\"Company\",\"addressLine1\":\"Main Street "
                + i + "\",\"addressLine2\":\"\",\"city\":\"Atlanta\",\"state\":\"GA\",\"country\":\"US\",\"postalCode\":\"31772\","
                + "\"phoneNumber\":\"555-0100\",\"email\":\"c" + i + "@example.com\",\"website\":\"\",\"salespersonCode\":\"PS\","
                + "\"balanceDue\":0,\"creditLimit\":0,\"taxLiable\":true,\"taxAreaId\":\"00000000-0000-0000-0000-000000000000\","
                + "\"currencyCode\":\"USD\",\"paymentTermsId\":\"00000000-0000-0000-0000-000000000000\",\"blocked\":\"_x0020_\","
                + "\"lastModifiedDateTime\":\"2026-11-27T10:00:00Z\"}";
    }

    static String page(boolean context, boolean next, boolean full) {
        StringBuilder b = new StringBuilder("{");
        if (context) b.append("\"@odata.context\":\"").append(ROOT).append("$metadata#companies(c1)/customers\",");
        b.append("\"value\":[");
        for (int i = 0; i < 25; i++) b.append(i == 0 ? "" : ",").append(entity(i, full));
        b.append("]");
        if (next) b.append(",\"@odata.nextLink\":\"").append(ROOT).append("companies(c1)/customers?$skiptoken=x\"");
        return b.append("}").toString();
    }

    static List<Buffer> pieces(String page, int size) {
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        List<Buffer> out = new ArrayList<>();
        for (int i = 0; i < bytes.length; i += size) out.add(Buffer.buffer().appendBytes(bytes, i, Math.min(size, bytes.length - i)));
        return out;
    }

    interface Rw { Buffer process(Buffer b); Buffer finish(); }

    static long[] measure(List<Buffer> chunks, java.util.function.Supplier<Rw> make, int pages) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long sink = 0;
        for (int w = 0; w < pages; w++) { Rw r = make.get(); for (Buffer c : chunks) sink += r.process(c).length(); sink += r.finish().length(); }
        long a0 = mx.getThreadAllocatedBytes(id), t0 = System.nanoTime();
        for (int p = 0; p < pages; p++) { Rw r = make.get(); for (Buffer c : chunks) sink += r.process(c).length(); sink += r.finish().length(); }
        long a1 = mx.getThreadAllocatedBytes(id), t1 = System.nanoTime();
        if (sink == 42) System.out.println();
        return new long[] { (a1 - a0) / pages, (t1 - t0) / pages };
    }

    public static void main(String[] args) {
        int pages = 100_000;
        io.bcgateway.connection.BcEndpoint ep = io.bcgateway.connection.BcEndpoint.of("http://127.0.0.1:41234", java.util.Optional.of("production"));
        java.util.function.Supplier<Rw> old = () -> { NextLinkRewriter r = new NextLinkRewriter(link -> link.indexOf('\\') >= 0 ? null
                : ep.restOf(link).map(rest -> GW + rest).orElse(null));
            return new Rw() { public Buffer process(Buffer b) { return r.process(b); } public Buffer finish() { return r.finish(); } }; };
        java.util.function.Supplier<Rw> neu = () -> { BcLinkRewriter r = BcLinkRewriter.of(ep, GW);
            return new Rw() { public Buffer process(Buffer b) { return r.process(b); } public Buffer finish() { return r.finish(); } }; };
        String[][] cases = { {"no link at all", page(false, false, false)}, {"minimal, context only", page(true, false, false)},
            {"minimal, context + nextLink", page(true, true, false)}, {"full metadata (52 links)", page(true, true, true)} };
        System.out.println("| page | bytes | old B/page | new B/page | old ns/page | new ns/page |");
        System.out.println("|---|---|---|---|---|---|");
        for (String[] c : cases) {
            List<Buffer> chunks = pieces(c[1], 8192);
            long[] o = null, n = null;
            for (int round = 0; round < 3; round++) { o = measure(chunks, old, pages); n = measure(chunks, neu, pages); }
            System.out.printf("| %s | %d | %d | %d | %d | %d |%n", c[0], c[1].length(), o[0], n[0], o[1], n[1]);
        }
    }
}
