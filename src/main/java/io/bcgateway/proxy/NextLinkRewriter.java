package io.bcgateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

/**
 * Rewrites the values of {@code "@odata.nextLink"} members in a JSON body that streams by in chunks, without
 * parsing the page: the bytes are scanned for the member name, only the link's own value is held back, and every
 * other byte passes through untouched (a chunk without a link is passed on as the same buffer).
 *
 * <p>The rewrite function gets the link as it stands in the JSON text and returns its replacement, or null to keep
 * it. A value longer than {@value #MAX_LINK_LENGTH} characters is not a link this gateway wrote and passes
 * unchanged. Not thread-safe: one instance per response.
 */
public final class NextLinkRewriter {

    static final int MAX_LINK_LENGTH = 16 * 1024;
    private static final byte[] KEY = "\"@odata.nextLink\"".getBytes(StandardCharsets.US_ASCII);

    private enum State {
        SCAN, AFTER_KEY, AFTER_COLON, VALUE
    }

    private final UnaryOperator<String> rewrite;
    private State state = State.SCAN;
    private int matched;
    private Buffer value;
    private boolean escaped;

    public NextLinkRewriter(UnaryOperator<String> rewrite) {
        this.rewrite = rewrite;
    }

    /** Processes the next chunk and returns what may be sent now (possibly {@code chunk} itself, possibly empty). */
    public Buffer process(Buffer chunk) {
        Buffer out = null;
        int passFrom = state == State.VALUE ? -1 : 0;
        int len = chunk.length();
        // The same bytes as a Netty buffer (a view, not a copy) for its vectorised search; its indexes match the
        // chunk's when the chunk has no bytes before its reader index, as received chunks never do.
        ByteBuf bytes = chunk.getByteBuf();
        boolean searchable = bytes.readableBytes() == len;
        for (int i = 0; i < len; i++) {
            if (searchable && state == State.SCAN && matched == 0) {
                // Between members the only byte that can follow the key's opening quote is '@', rare in a page
                // (one per entity's @odata.etag): jump to the next one instead of stepping byte by byte.
                int at = bytes.indexOf(i, len, (byte) '@');
                if (at < 0) {
                    matched = chunk.getByte(len - 1) == KEY[0] ? 1 : 0;
                    break;
                }
                matched = at > i && chunk.getByte(at - 1) == KEY[0] ? 2 : 0;
                i = at;
                continue;
            }
            byte b = chunk.getByte(i);
            switch (state) {
                case SCAN -> scan(b);
                case AFTER_KEY -> {
                    if (b == ':') {
                        state = State.AFTER_COLON;
                    } else if (!isWhitespace(b)) {
                        state = State.SCAN;
                        scan(b);
                    }
                }
                case AFTER_COLON -> {
                    if (b == '"') {
                        out = append(out, chunk, passFrom, i + 1);
                        passFrom = -1;
                        value = Buffer.buffer(256);
                        escaped = false;
                        state = State.VALUE;
                    } else if (!isWhitespace(b)) {
                        state = State.SCAN;
                        scan(b);
                    }
                }
                case VALUE -> {
                    if (b == '"' && !escaped) {
                        out = appendBuffer(out, rewritten());
                        passFrom = i;
                        state = State.SCAN;
                        matched = 0;
                    } else {
                        escaped = b == '\\' && !escaped;
                        value.appendByte(b);
                        if (value.length() > MAX_LINK_LENGTH) {
                            out = appendBuffer(out, value);
                            value = null;
                            passFrom = i + 1;
                            state = State.SCAN;
                            matched = 0;
                        }
                    }
                }
            }
        }
        if (out == null) {
            if (passFrom == 0) {
                return chunk;
            }
            return passFrom < 0 ? Buffer.buffer(0) : chunk.slice(passFrom, len);
        }
        return passFrom < 0 ? out : out.appendBuffer(chunk, passFrom, len - passFrom);
    }

    /** What is still held back at the end of the body (an unterminated value, passed on as it came). */
    public Buffer finish() {
        Buffer rest = state == State.VALUE && value != null ? value : Buffer.buffer(0);
        value = null;
        state = State.SCAN;
        return rest;
    }

    private void scan(byte b) {
        if (b == KEY[matched]) {
            matched++;
            if (matched == KEY.length) {
                matched = 0;
                state = State.AFTER_KEY;
            }
        } else {
            matched = b == KEY[0] ? 1 : 0;
        }
    }

    private Buffer rewritten() {
        Buffer original = value;
        value = null;
        String replacement = rewrite.apply(original.toString(StandardCharsets.UTF_8));
        // A kept link goes on as the bytes that came: decoding and re-encoding would turn bytes that are not UTF-8
        // into U+FFFD (found by NextLinkRewriterFuzzTest).
        return replacement != null ? Buffer.buffer(replacement, "UTF-8") : original;
    }

    private static Buffer append(Buffer out, Buffer chunk, int from, int to) {
        if (from < 0 || to <= from) {
            return out == null ? Buffer.buffer() : out;
        }
        Buffer o = out == null ? Buffer.buffer(to - from + 256) : out;
        return o.appendBuffer(chunk, from, to - from);
    }

    private static Buffer appendBuffer(Buffer out, Buffer b) {
        return (out == null ? Buffer.buffer(b.length() + 256) : out).appendBuffer(b);
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\r' || b == '\n';
    }
}
