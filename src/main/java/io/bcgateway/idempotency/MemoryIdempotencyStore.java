package io.bcgateway.idempotency;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.vertx.core.Future;

/**
 * Records in this process's memory, bounded by count and by stored bytes (both counted on every change, so the
 * gateway's footprint stays predictable): past either bound the oldest records go first, expired ones before all.
 * A record lives {@code ttl} from its claim. One lock: writes with a key are rare next to reads, and each operation
 * is a few map steps.
 */
public final class MemoryIdempotencyStore implements IdempotencyStore {

    private record Entry(IdempotencyRecord record, long expiresAtMillis) {
    }

    private final Clock clock;
    private final long ttlMillis;
    private final int maxRecords;
    private final long maxBytes;
    /** In claim order, which is also expiry order (every record lives the same ttl). */
    private final LinkedHashMap<String, Entry> records = new LinkedHashMap<>();
    private long bytes;

    public MemoryIdempotencyStore(Clock clock, Duration ttl, int maxRecords, long maxBytes) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("gateway.idempotency.ttl must be positive, was " + ttl);
        }
        if (maxRecords < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("gateway.idempotency.max-records and max-stored-bytes must be positive");
        }
        this.clock = clock;
        this.ttlMillis = ttl.toMillis();
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized Future<IdempotencyRecord> claim(String key, IdempotencyRecord inFlight) {
        long now = clock.millis();
        dropExpired(now);
        Entry existing = records.get(key);
        if (existing != null) {
            return Future.succeededFuture(existing.record());
        }
        put(key, new Entry(inFlight, now + ttlMillis));
        return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Void> settle(String key, IdempotencyRecord outcome) {
        Entry held = records.get(key);
        if (held != null) {
            put(key, new Entry(outcome, held.expiresAtMillis()));
        }
        return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Void> release(String key) {
        Entry gone = records.remove(key);
        if (gone != null) {
            bytes -= size(key, gone);
        }
        return Future.succeededFuture();
    }

    /** Records held now (for tests and the footprint). */
    public synchronized int size() {
        return records.size();
    }

    /** Bytes held now, as counted against {@code max-stored-bytes}. */
    public synchronized long bytes() {
        return bytes;
    }

    private void put(String key, Entry entry) {
        Entry previous = records.put(key, entry);
        if (previous != null) {
            bytes -= size(key, previous);
        }
        bytes += size(key, entry);
        Iterator<Map.Entry<String, Entry>> oldest = records.entrySet().iterator();
        while ((records.size() > maxRecords || bytes > maxBytes) && oldest.hasNext()) {
            Map.Entry<String, Entry> e = oldest.next();
            if (e.getKey().equals(key)) {
                continue; // the record just written stays, even alone over the bound
            }
            bytes -= size(e.getKey(), e.getValue());
            oldest.remove();
        }
    }

    private void dropExpired(long now) {
        Iterator<Map.Entry<String, Entry>> oldest = records.entrySet().iterator();
        while (oldest.hasNext()) {
            Map.Entry<String, Entry> e = oldest.next();
            if (e.getValue().expiresAtMillis() > now) {
                return; // claim order is expiry order: the rest are younger
            }
            bytes -= size(e.getKey(), e.getValue());
            oldest.remove();
        }
    }

    private static long size(String key, Entry entry) {
        return key.length() * 2L + entry.record().size();
    }
}
