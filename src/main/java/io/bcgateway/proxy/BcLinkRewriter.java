package io.bcgateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.bcgateway.connection.BcEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

/**
 * Points every address of one connection's Business Central API in a body that streams by in pieces at the
 * gateway instead: {@code @odata.context}, {@code @odata.nextLink}, and with {@code odata.metadata=full} also
 * {@code @odata.id}, {@code @odata.editLink}, {@code @odata.readLink}, the navigation and media links. The caller
 * holds no token for BC's address, and it would leak BC's host, tenant and environment.
 *
 * <p>It does not parse the body: it looks for BC's base address bytes (for example
 * {@code https://api.businesscentral.dynamics.com/v2.0/}) and, online, the environment segment after them, which
 * BC may precede with the tenant and capitalise its own way ({@code …/v2.0/{tenant}/Production/}); that whole
 * prefix becomes the gateway's ({@code https://gw.example/bc/contoso/}). The scan looks for the address's last
 * byte in a piece's byte array, eight bytes at a time ({@link AnchorSearch}); only the bytes of a candidate that a
 * piece boundary cuts are held back (at most {@link #maxCandidateLength()} bytes) until the next piece decides it.
 * A piece without an address passes on as the same buffer; a rewritten one is a composite of slices of it and the
 * gateway's prefix, not a copy. The output does not depend on where the pieces are cut.
 *
 * <p>Every occurrence is rewritten, also one inside a text field, since it is equally unusable by the caller. BC
 * writes its host in lower case and without a default port; an address spelled otherwise is left as it is. Not
 * thread-safe: one instance per response.
 */
public final class BcLinkRewriter {

    /** Longest tenant or environment segment considered (a tenant may be a domain name, not only a GUID). */
    static final int MAX_SEGMENT = 128;
    private static final int NO = -1;
    private static final int NEED_MORE = -2;

    private final AnchorSearch anchor;
    /** Lower case; null on-premises, where the anchor is the whole prefix. */
    private final byte[] environment;
    private final ByteBuf replacement;
    /** The bytes of a candidate cut by the end of the previous piece, not yet sent; null when there is none. */
    private Buffer held;

    /**
     * @param bcBase BC's base address as it appears in links, ending in {@code /}: online up to and including
     *        {@code /v2.0/} (the tenant and environment follow), on-premises the whole API base
     * @param environment online, the environment expected after {@code bcBase} (optionally after a tenant
     *        segment), matched ignoring case; null on-premises
     * @param gatewayPrefix what replaces BC's prefix, ending in {@code /}, for example
     *        {@code https://gw.example/bc/contoso/}
     */
    public BcLinkRewriter(String bcBase, String environment, String gatewayPrefix) {
        this(new AnchorSearch(anchor(bcBase)),
                environment == null ? null : environment.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
                gatewayPrefix.getBytes(StandardCharsets.UTF_8));
    }

    /** BC's base address as the bytes searched for; it must end with {@code /}. */
    static byte[] anchor(String bcBase) {
        if (bcBase.isEmpty() || !bcBase.endsWith("/")) {
            throw new IllegalArgumentException("bcBase must end with '/' (was '" + bcBase + "')");
        }
        return bcBase.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The same from bytes made once per connection ({@link GatewayPrefix}): {@code anchor} as US-ASCII,
     * {@code environment} lower case as US-ASCII (null on-premises), {@code gatewayPrefix} as UTF-8. Shared
     * between responses, so only read here.
     */
    BcLinkRewriter(AnchorSearch anchor, byte[] environment, byte[] gatewayPrefix) {
        this.anchor = anchor;
        this.environment = environment;
        this.replacement = Unpooled.wrappedBuffer(gatewayPrefix);
    }

    /** For one connection's endpoint, with the gateway's prefix for it. */
    public static BcLinkRewriter of(BcEndpoint endpoint, String gatewayPrefix) {
        return new BcLinkRewriter(endpoint.linkBase(), endpoint.environment().orElse(null), gatewayPrefix);
    }

    /** The most bytes held back between two pieces. */
    int maxCandidateLength() {
        return anchor.length() + (environment == null ? 0 : 2 * (MAX_SEGMENT + 1));
    }

    /** Processes the next piece and returns what may be sent now (possibly {@code chunk} itself, possibly empty). */
    public Buffer process(Buffer chunk) {
        List<ByteBuf> out = null;
        int from = 0;
        ByteBuf bytes = chunk.getByteBuf(); // a view, not a copy, for Netty's vectorised search
        int len = bytes.readableBytes();
        int base = bytes.readerIndex();
        while (held != null) {
            // A candidate was cut by the previous piece: decide it with as many bytes of this one as it needs.
            int take = Math.min(len - from, maxCandidateLength() - held.length());
            Buffer candidate = held.copy().appendBuffer(chunk, from, take);
            ByteBuf c = candidate.getByteBuf();
            int end = match(c, c.readerIndex(), c.readerIndex() + candidate.length());
            end = end < 0 ? end : end - c.readerIndex();
            Buffer wasHeld = held;
            held = null;
            if (end == NEED_MORE) {
                held = candidate; // all of this piece belongs to the candidate
                return emit(out, null);
            }
            if (end >= 0) {
                out = add(out, replacement.duplicate());
                from += end - wasHeld.length();
            } else {
                // No address starts at the held candidate's first byte: send that byte and look again from the
                // next, exactly as if the pieces had come as one.
                out = add(out, wasHeld.getByteBuf().slice(0, 1));
                Buffer again = process(wasHeld.slice(1, wasHeld.length()));
                if (again.length() > 0) {
                    out = add(out, again.getByteBuf());
                }
            }
        }
        int pos = from;
        while (pos < len) {
            int at = nextCandidate(bytes, base + pos, base + len);
            if (at < 0) {
                break;
            }
            at -= base;
            int end = match(bytes, base + at, base + len);
            if (end == NO) {
                pos = at + 1;
                continue;
            }
            if (at > from) {
                out = add(out, bytes.slice(base + from, at - from));
            }
            if (end == NEED_MORE) {
                held = Buffer.buffer(len - at).appendBuffer(chunk, at, len - at);
                from = len;
                break;
            }
            out = add(out, replacement.duplicate());
            from = pos = end - base;
        }
        if (out == null) {
            return from == 0 ? chunk : chunk.slice(from, len);
        }
        return emit(out, from < len ? bytes.slice(base + from, len - from) : null);
    }

    /**
     * The index of the next place in {@code [from, to)} where BC's address may start, or -1. On a piece with a
     * backing array (Vert.x hands BC's answer over as heap buffers) that is only a whole occurrence of the anchor,
     * found by {@link AnchorSearch}, or where the end of the piece cuts one; otherwise every occurrence of the
     * anchor's first byte, found by Netty's {@code indexOf}, for {@link #match} to decide. Either way {@link #match}
     * gets every place where it would not answer {@link #NO}, in order, so both give the same output.
     */
    private int nextCandidate(ByteBuf bytes, int from, int to) {
        if (!bytes.hasArray()) {
            return bytes.indexOf(from, to, anchor.first());
        }
        int offset = bytes.arrayOffset();
        int at = anchor.find(bytes.array(), offset + from, offset + to);
        return at < 0 ? at : at - offset;
    }

    /** What is still held back at the end of the body (a cut-off candidate, passed on as it came). */
    public Buffer finish() {
        Buffer rest = held == null ? Buffer.buffer(0) : held;
        held = null;
        return rest;
    }

    /**
     * Whether BC's prefix starts at {@code p}: the index after it, {@link #NO}, or {@link #NEED_MORE} when
     * {@code limit} comes before the answer.
     */
    private int match(ByteBuf b, int p, int limit) {
        byte[] a = anchor.bytes();
        for (int i = 0; i < a.length; i++) {
            if (p + i >= limit) {
                return NEED_MORE;
            }
            if (b.getByte(p + i) != a[i]) {
                return NO;
            }
        }
        int q = p + a.length;
        if (environment == null) {
            return q;
        }
        // Online: {environment}/ or {tenant}/{environment}/
        for (int segment = 0; segment < 2; segment++) {
            int slash = segmentEnd(b, q, limit);
            if (slash < 0) {
                return slash;
            }
            if (isEnvironment(b, q, slash)) {
                return slash + 1;
            }
            q = slash + 1;
        }
        return NO;
    }

    /** The index of the {@code /} that ends a segment starting at {@code s}, {@link #NO} or {@link #NEED_MORE}. */
    private static int segmentEnd(ByteBuf b, int s, int limit) {
        for (int i = s; i < limit; i++) {
            byte c = b.getByte(i);
            if (c == '/') {
                return i > s ? i : NO;
            }
            if (!isSegmentByte(c) || i - s >= MAX_SEGMENT) {
                return NO;
            }
        }
        return NEED_MORE;
    }

    private boolean isEnvironment(ByteBuf b, int from, int to) {
        if (to - from != environment.length) {
            return false;
        }
        for (int i = 0; i < environment.length; i++) {
            byte c = b.getByte(from + i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != environment[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSegmentByte(byte c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                || c == '_';
    }

    private static List<ByteBuf> add(List<ByteBuf> out, ByteBuf piece) {
        List<ByteBuf> o = out == null ? new ArrayList<>(4) : out;
        o.add(piece);
        return o;
    }

    /** The pieces as one buffer that shares their bytes. */
    private static Buffer emit(List<ByteBuf> out, ByteBuf last) {
        if (last != null) {
            out = add(out, last);
        }
        if (out == null) {
            return Buffer.buffer(0);
        }
        if (out.size() == 1) {
            return Buffer.buffer(out.get(0));
        }
        return Buffer.buffer(Unpooled.wrappedBuffer(out.size(), out.toArray(new ByteBuf[0])));
    }
}
