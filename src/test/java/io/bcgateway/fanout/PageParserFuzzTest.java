package io.bcgateway.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;

/**
 * A page's rows are what a full JSON parser finds in its {@code value} array, each row's bytes a complete JSON value
 * equal to that element, and the next link the one the page names. The page arrives in pieces and is put together
 * before parsing: however it was cut, the rows are the same. A page that is not a JSON object is an
 * {@link IOException} (the fan-out's clear 502), never another exception.
 */
class PageParserFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest(maxDuration = "2m")
    void rowsAreTheValueArrayHoweverThePageWasCut(FuzzedDataProvider data) throws IOException {
        int[] cuts = data.consumeInts(data.consumeInt(0, 16));
        byte[] page = data.consumeRemainingAsBytes();

        PageParser.Page whole;
        try {
            whole = PageParser.parse(Buffer.buffer(page));
        } catch (IOException refused) {
            return;
        }
        PageParser.Page pieced = PageParser.parse(pieced(page, cuts));
        assertEquals(texts(whole.rows()), texts(pieced.rows()), "rows after cutting at " + Arrays.toString(cuts));
        assertEquals(whole.nextLink(), pieced.nextLink());

        JsonNode tree;
        try {
            tree = JSON.readTree(page);
        } catch (IOException notJson) {
            return; // the streaming parser stops at the object's end and never reads what follows; the tree does
        }
        JsonNode value = tree.get("value");
        if (value == null || !value.isArray() || duplicateMembers(page)) {
            return;
        }
        List<JsonNode> rows = new ArrayList<>();
        for (Buffer row : whole.rows()) {
            rows.add(JSON.readTree(row.getBytes()));
        }
        List<JsonNode> expected = new ArrayList<>();
        value.forEach(expected::add);
        assertEquals(expected, rows, "rows");
        JsonNode link = tree.get("@odata.nextLink");
        assertEquals(link != null && link.isTextual() ? link.asText() : null, whole.nextLink(), "next link");
    }

    /** The page as the HTTP client assembles it: appended piece by piece. */
    private static Buffer pieced(byte[] page, int[] cuts) {
        int[] points = Arrays.stream(cuts).map(c -> Math.floorMod(c, page.length + 1)).sorted().toArray();
        Buffer b = Buffer.buffer();
        int from = 0;
        for (int p : points) {
            b.appendBuffer(Buffer.buffer(Arrays.copyOfRange(page, from, p)));
            from = p;
        }
        return b.appendBuffer(Buffer.buffer(Arrays.copyOfRange(page, from, page.length)));
    }

    /** A page naming {@code value} or the next link twice: the tree keeps the last, the stream reads every one. */
    private static boolean duplicateMembers(byte[] page) {
        String text = new String(page, java.nio.charset.StandardCharsets.UTF_8);
        return text.indexOf("\"value\"") != text.lastIndexOf("\"value\"")
                || text.indexOf("nextLink") != text.lastIndexOf("nextLink") || text.contains("\\");
    }

    private static List<String> texts(List<Buffer> rows) {
        return rows.stream().map(Buffer::toString).toList();
    }
}
