package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;

/** The last {@value #CAPACITY} BC and token requests, for tests that check what the gateway sent. */
final class RequestLog {

    static final int CAPACITY = 1000;

    /** One request; {@code traceparent} is the W3C trace context the caller sent, if any. */
    record Entry(String kind, String method, String path, String query, int status, long epochMillis,
            String traceparent) {
        Entry(String kind, String method, String path, String query, int status, long epochMillis) {
            this(kind, method, path, query, status, epochMillis, null);
        }
    }

    private final Deque<Entry> entries = new ArrayDeque<>(CAPACITY);

    synchronized void add(Entry e) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
        }
        entries.addLast(e);
    }

    synchronized void clear() { entries.clear(); }

    synchronized ArrayNode toJson() {
        ArrayNode arr = JsonNodeFactory.instance.arrayNode();
        for (Entry e : entries) {
            ObjectNode n = arr.addObject();
            n.put("kind", e.kind());
            n.put("method", e.method());
            n.put("path", e.path());
            if (e.query() != null) n.put("query", e.query());
            n.put("status", e.status());
            n.put("epochMillis", e.epochMillis());
            if (e.traceparent() != null) n.put("traceparent", e.traceparent());
        }
        return arr;
    }
}
