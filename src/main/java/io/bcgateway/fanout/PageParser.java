package io.bcgateway.fanout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.vertx.core.buffer.Buffer;

/**
 * Finds the rows of one OData collection page and its {@code @odata.nextLink} with a streaming parser: rows come
 * back as slices of the page's own bytes, so they are never re-serialised.
 */
final class PageParser {

    private static final JsonFactory JSON = new JsonFactory();

    /** One page: its rows (each a complete JSON value), its next link (or null) and its context URL (or null). */
    record Page(List<Buffer> rows, String nextLink, String context) {
    }

    private PageParser() {
    }

    static Page parse(Buffer page) throws IOException {
        byte[] bytes = page.getBytes();
        List<Buffer> rows = new ArrayList<>();
        String nextLink = null;
        String context = null;
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the page is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("value".equals(name) && value == JsonToken.START_ARRAY) {
                    JsonToken t;
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                        int start = (int) p.currentTokenLocation().getByteOffset();
                        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                            p.skipChildren();
                        }
                        int end = (int) p.currentLocation().getByteOffset();
                        rows.add(page.slice(start, end));
                    }
                } else if ("@odata.nextLink".equals(name) && value == JsonToken.VALUE_STRING) {
                    nextLink = p.getText();
                } else if ("@odata.context".equals(name) && value == JsonToken.VALUE_STRING) {
                    context = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        }
        return new Page(rows, nextLink, context);
    }
}
