package io.bcgateway.throttle;

import java.time.Duration;
import java.time.Instant;

/**
 * The events inside a sliding window, to the millisecond: how many there are, and when the oldest leaves. An event
 * leaves the window a window's length after it happened. Events of the same millisecond share one entry; the entries
 * live in two primitive rings that grow by doubling and shrink again when mostly empty.
 *
 * <p>Why not a deque of {@code Instant}s: that is one object per event, kept for the whole window (BC's is five
 * minutes, the retry budget's ten seconds). Each one is copied by every young collection until it is promoted, and at
 * thousands of requests per second those copies made the gateway's young pauses several times the bare proxy's
 * (docs/benchmarks.md, "Issue #15, round 5: the p99 tail was GC pauses"). Here an event allocates nothing and the
 * rings hold nothing the collector traces.
 *
 * <p>Not thread-safe: its owners call it under their own lock.
 */
public final class SlidingWindowLog {

    private static final int MIN_CAPACITY = 16;

    /** The window's length, rounded up to the millisecond: an event leaves late rather than early. */
    private final long windowMillis;
    private long[] millis = new long[MIN_CAPACITY];
    private int[] counts = new int[MIN_CAPACITY];
    /** Ring index of the oldest entry. */
    private int head;
    /** Entries (distinct milliseconds) in the ring. */
    private int entries;
    /** Events in the ring. */
    private long events;

    public SlidingWindowLog(Duration window) {
        if (window.isZero() || window.isNegative()) {
            throw new IllegalArgumentException("a sliding window needs a positive length");
        }
        this.windowMillis = ceilMillis(window.getSeconds(), window.getNano());
    }

    /** {@code instant} in epoch milliseconds, rounded up: an event recorded so leaves the window late, never early. */
    public static long ceilMillis(Instant instant) {
        return ceilMillis(instant.getEpochSecond(), instant.getNano());
    }

    private static long ceilMillis(long seconds, int nanos) {
        return seconds * 1000 + (nanos + 999_999) / 1_000_000;
    }

    /**
     * One event at {@code atMillis}. Times come in order; one earlier than the newest (a clock stepped back) is
     * counted with the newest, so it leaves the window late rather than early.
     */
    public void add(long atMillis) {
        if (entries > 0) {
            int newest = index(entries - 1);
            if (millis[newest] >= atMillis) {
                counts[newest]++;
                events++;
                return;
            }
        }
        if (entries == millis.length) {
            resize(millis.length * 2);
        }
        int slot = index(entries);
        millis[slot] = atMillis;
        counts[slot] = 1;
        entries++;
        events++;
    }

    /** Forgets the events that have left the window by {@code nowMillis}: those a window's length old or older. */
    public void expire(long nowMillis) {
        long horizonMillis = nowMillis - windowMillis;
        while (entries > 0 && millis[head] <= horizonMillis) {
            events -= counts[head];
            head = index(1);
            entries--;
        }
        if (millis.length > MIN_CAPACITY && entries < millis.length / 4) {
            int capacity = MIN_CAPACITY;
            while (capacity < entries * 2) {
                capacity <<= 1;
            }
            resize(capacity);
        }
    }

    /** The events in the window. */
    public long count() {
        return events;
    }

    public boolean isEmpty() {
        return entries == 0;
    }

    /** When the oldest event leaves the window, in epoch milliseconds; only when not {@link #isEmpty() empty}. */
    public long oldestLeavesAtMillis() {
        if (entries == 0) {
            throw new IllegalStateException("no event in the window");
        }
        return millis[head] + windowMillis;
    }

    /** The ring's capacity in entries (for tests: the memory it holds). */
    int capacity() {
        return millis.length;
    }

    private int index(int offset) {
        return (head + offset) & (millis.length - 1);
    }

    private void resize(int capacity) {
        long[] newMillis = new long[capacity];
        int[] newCounts = new int[capacity];
        for (int i = 0; i < entries; i++) {
            int from = index(i);
            newMillis[i] = millis[from];
            newCounts[i] = counts[from];
        }
        millis = newMillis;
        counts = newCounts;
        head = 0;
    }
}
