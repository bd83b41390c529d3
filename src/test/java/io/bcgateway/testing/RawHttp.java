package io.bcgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * Sends a request exactly as written, byte for byte, to the gateway on loopback: for inputs that well-behaved
 * HTTP clients refuse to produce (absolute-form targets, raw backslashes, control characters, odd methods).
 */
public final class RawHttp {

    /**
     * The parts of an answer a test looks at; {@code closed} when the gateway closed the connection (rather than
     * the read timing out on a connection it kept open).
     */
    public record Answer(int status, String headers, String body, boolean closed) {
        public String contentType() {
            for (String line : headers.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-type:")) {
                    return line.substring("content-type:".length()).strip();
                }
            }
            return "";
        }
    }

    private RawHttp() {
    }

    /** {@code head} is the request line and headers without the final blank line; Connection: close is added. */
    public static Answer send(int port, String head, byte[] body) {
        String h = head + "\r\nHost: localhost:" + port + "\r\nConnection: close\r\n"
                + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
        byte[] headBytes = h.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = body == null ? headBytes : concat(headBytes, body);
        Answer answer = exchange(port, all, Duration.ofSeconds(15));
        if (!answer.closed()) {
            throw new UncheckedIOException(new java.net.SocketTimeoutException("no end of answer in 15 s"));
        }
        return answer;
    }

    /**
     * Writes {@code request} exactly (nothing added: no Host, no Connection: close), then reads until the gateway
     * closes the connection or {@code quiet} passes without it doing so. Keep-alive answers therefore come back
     * with {@code closed == false}; the first answer's status, headers and body are returned.
     */
    public static Answer exchange(int port, byte[] request, Duration quiet) {
        return exchange(port, request, quiet, 1, Duration.ZERO);
    }

    /**
     * As {@link #exchange(int, byte[], Duration)}, the request written in {@code pieces} parts with {@code pause}
     * between them: a slow client. Bounded: pieces times pause.
     */
    public static Answer exchange(int port, byte[] request, Duration quiet, int pieces, Duration pause) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) quiet.toMillis());
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            int step = Math.max(1, (request.length + pieces - 1) / pieces);
            for (int from = 0; from < request.length; from += step) {
                if (from > 0) {
                    // The pace of a slow client: real time on a real socket, the point of the case.
                    java.util.concurrent.locks.LockSupport.parkNanos(pause.toNanos());
                }
                out.write(request, from, Math.min(step, request.length - from));
                out.flush();
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            boolean closed = false;
            try {
                int n;
                while ((n = in.read(buf)) > 0 && all.size() < 1_000_000) {
                    all.write(buf, 0, n);
                }
                closed = n < 0;
            } catch (java.net.SocketTimeoutException stillOpen) {
                closed = false;
            } catch (java.net.SocketException reset) {
                closed = true; // a reset after (or instead of) the answer: the gateway dropped the connection
            }
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String headers = end < 0 ? text : text.substring(0, end);
            String bodyText = end < 0 ? "" : firstBody(headers, text.substring(end + 4));
            String[] statusLine = headers.split("\r\n", 2)[0].split(" ");
            return new Answer(statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0, headers, bodyText, closed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code request} and closes the socket at once, without reading: a caller that leaves. */
    public static void abandon(int port, byte[] request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The first answer's body: Content-Length bytes when declared (a kept-alive connection may carry more). */
    private static String firstBody(String headers, String rest) {
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                int length = Integer.parseInt(line.substring("content-length:".length()).strip());
                return rest.substring(0, Math.min(length, rest.length()));
            }
        }
        return rest;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
