package io.bcgateway.idempotency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.MutableClock;

/** The in-memory records: atomic claims, the ttl on a moved clock, and the bounds. */
class MemoryIdempotencyStoreTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private static IdempotencyRecord inFlight(String fingerprint) {
        return IdempotencyRecord.inFlight(fingerprint, Long.MAX_VALUE);
    }

    private static IdempotencyRecord completed(String fingerprint, int bodyBytes) {
        return new IdempotencyRecord(fingerprint, IdempotencyRecord.State.COMPLETED, 0,
                new IdempotencyRecord.StoredAnswer(201, "W/\"1\"", null, "application/json", new byte[bodyBytes]));
    }

    @Test
    void theFirstClaimHoldsTheKeyAndARepeatSeesItsRecord() {
        MemoryIdempotencyStore store = new MemoryIdempotencyStore(clock, Duration.ofHours(24), 10, 1 << 20);
        assertNull(store.claim("k", inFlight("POST a 1")).result());
        assertEquals(IdempotencyRecord.State.IN_FLIGHT, store.claim("k", inFlight("POST a 1")).result().state());
        store.settle("k", completed("POST a 1", 10));
        IdempotencyRecord found = store.claim("k", inFlight("POST a 1")).result();
        assertEquals(IdempotencyRecord.State.COMPLETED, found.state());
        assertEquals(201, found.answer().status());
    }

    @Test
    void aRecordLivesItsTtlFromTheClaimAndThenTheKeyIsFree() {
        MemoryIdempotencyStore store = new MemoryIdempotencyStore(clock, Duration.ofHours(24), 10, 1 << 20);
        store.claim("k", inFlight("f"));
        clock.advance(Duration.ofHours(23));
        store.settle("k", completed("f", 1)); // settling does not extend the ttl
        assertNotNull(store.claim("k", inFlight("f")).result());
        clock.advance(Duration.ofHours(1).plusMillis(1));
        assertNull(store.claim("k", inFlight("f")).result(), "expired: a new request may take the key");
    }

    @Test
    void releasingFreesTheKeyForARepeat() {
        MemoryIdempotencyStore store = new MemoryIdempotencyStore(clock, Duration.ofHours(24), 10, 1 << 20);
        store.claim("k", inFlight("f"));
        store.release("k");
        assertNull(store.claim("k", inFlight("f")).result());
    }

    @Test
    void pastItsBoundsTheOldestRecordsGoFirst() {
        MemoryIdempotencyStore byCount = new MemoryIdempotencyStore(clock, Duration.ofHours(24), 3, 1 << 20);
        for (int i = 0; i < 5; i++) {
            byCount.claim("k" + i, inFlight("f"));
        }
        assertEquals(3, byCount.size());
        assertNull(byCount.claim("k0", inFlight("f")).result(), "the oldest went");
        MemoryIdempotencyStore byBytes = new MemoryIdempotencyStore(clock, Duration.ofHours(24), 100, 10_000);
        for (int i = 0; i < 5; i++) {
            byBytes.claim("k" + i, inFlight("f"));
            byBytes.settle("k" + i, completed("f", 4_000));
        }
        assertEquals(2, byBytes.size());
        assertEquals(true, byBytes.bytes() <= 10_000, "bytes held: " + byBytes.bytes());
    }

    @Test
    void anInFlightRecordPastItsLeaseReadsAsOutcomeUnknown() {
        IdempotencyRecord r = IdempotencyRecord.inFlight("f", 1000);
        assertEquals(IdempotencyRecord.State.IN_FLIGHT, r.stateAt(1000));
        assertEquals(IdempotencyRecord.State.OUTCOME_UNKNOWN, r.stateAt(1001));
    }

    @Test
    void keysAreOneTo255VisibleCharactersQuotedOrNot() {
        assertNull(IdempotencyKey.reject("\"8e03978e-40d5-43e8-bc93-6894a57f9324\""));
        assertEquals("8e03978e", IdempotencyKey.unquoted("\"8e03978e\""));
        assertNull(IdempotencyKey.reject("k".repeat(255)));
        assertNotNull(IdempotencyKey.reject("k".repeat(256)));
        assertNotNull(IdempotencyKey.reject(""));
        assertNotNull(IdempotencyKey.reject("\"\""));
        assertNotNull(IdempotencyKey.reject("a b"));
        assertThrows(IllegalArgumentException.class,
                () -> new MemoryIdempotencyStore(clock, Duration.ZERO, 1, 1));
    }

    @Test
    void aRecordSurvivesItsJsonForm() {
        IdempotencyRecord r = completed("POST api/x 0a", 3);
        IdempotencyRecord back = IdempotencyRecord.fromJson(r.toJson());
        assertEquals(r.fingerprint(), back.fingerprint());
        assertEquals(r.state(), back.state());
        assertEquals(3, back.answer().body().length);
        assertEquals("W/\"1\"", back.answer().etag());
    }
}
