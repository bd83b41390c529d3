package io.bcgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends a request exactly as written, byte for byte, to the gateway on loopback: for inputs that well-behaved
 * HTTP clients refuse to produce (absolute-form targets, raw backslashes, control characters, odd methods).
 */
public final class RawHttp {

    /** The parts of an answer a test looks at. */
    public record Answer(int status, String headers, String body) {
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
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            String h = head + "\r\nHost: localhost:" + port + "\r\nConnection: close\r\n"
                    + (body == null ? "" : "Content-Length: " + body.length + "\r\n") + "\r\n";
            out.write(h.getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0 && all.size() < 1_000_000) {
                all.write(buf, 0, n);
            }
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String headers = end < 0 ? text : text.substring(0, end);
            String bodyText = end < 0 ? "" : text.substring(end + 4);
            String[] statusLine = headers.split("\r\n", 2)[0].split(" ");
            return new Answer(statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0, headers, bodyText);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
