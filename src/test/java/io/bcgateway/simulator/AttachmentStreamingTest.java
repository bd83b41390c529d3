package io.bcgateway.simulator;

import static io.bcgateway.simulator.SimulatorHarness.json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AttachmentStreamingTest extends SimulatorTest {

    static final int SIZE = 20 * 1024 * 1024;
    /** Deterministic pseudo-random bytes, generated on the fly so the test never holds 20 MB either. */
    static InputStream content(long seed) {
        Random rnd = new Random(seed);
        return new InputStream() {
            long left = SIZE;

            @Override public int read() {
                if (left == 0) return -1;
                left--;
                return rnd.nextInt(256);
            }

            @Override public int read(byte[] b, int off, int len) {
                if (left == 0) return -1;
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) b[off + i] = (byte) rnd.nextInt(256);
                left -= n;
                return n;
            }
        };
    }

    static byte[] sha256(InputStream in) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (DigestInputStream d = new DigestInputStream(in, md)) {
            d.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return md.digest();
    }

    @Test
    void twentyMegabytesRoundTripWithIdenticalSha256() throws Exception {
        HttpResponse<String> created = sim.send("POST", sim.api() + "/companies(" + company + ")/documentAttachments", token,
                "{\"fileName\":\"big.bin\"}");
        assertEquals(201, created.statusCode(), created.body());
        String id = json(created).get("id").asText();
        String url = sim.api() + "/companies(" + company + ")/documentAttachments(" + id + ")/attachmentContent";

        HttpResponse<String> put = sim.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream")
                .header("If-Match", "*")
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> content(7))));
        assertEquals(204, put.statusCode(), put.body());

        HttpResponse<InputStream> get = sim.http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, get.statusCode());
        assertEquals(String.valueOf(SIZE), get.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("application/octet-stream", get.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(sha256(content(7)), sha256(get.body()));

        JsonNode meta = json(sim.get(sim.api() + "/companies(" + company + ")/documentAttachments(" + id + ")", token));
        assertEquals(SIZE, meta.get("byteSize").asInt());
        assertEquals("big.bin", meta.get("fileName").asText());
    }

    @Test
    void patchOnANewIdCreatesTheAttachment() throws Exception {
        String id = UUID.randomUUID().toString();
        String url = sim.api() + "/companies(" + company + ")/documentAttachments(" + id + ")/attachmentContent";
        HttpResponse<String> patch = sim.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .method("PATCH", HttpRequest.BodyPublishers.ofString("hello attachment")));
        assertEquals(204, patch.statusCode(), patch.body());
        HttpResponse<String> get = sim.get(url, token);
        assertEquals("hello attachment", get.body());
        assertEquals(16, json(sim.get(sim.api() + "/companies(" + company + ")/documentAttachments(" + id + ")", token))
                .get("byteSize").asInt());
    }

    @Test
    void attachmentContentNeedsAValidToken() throws Exception {
        String url = sim.api() + "/companies(" + company + ")/documentAttachments(" + UUID.randomUUID() + ")/attachmentContent";
        assertEquals(401, sim.get(url, null).statusCode());
    }
}
