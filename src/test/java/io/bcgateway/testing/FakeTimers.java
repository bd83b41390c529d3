package io.bcgateway.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

import io.bcgateway.throttle.Timers;

/** Timers that fire only when the test moves the clock: {@link #advance} runs every task that falls due. */
public final class FakeTimers implements Timers {

    private final MutableClock clock;
    private final TreeMap<Long, Task> tasks = new TreeMap<>();
    private long next;

    private record Task(long id, Instant due, Runnable run) {
    }

    public FakeTimers(MutableClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized long schedule(Duration delay, Runnable task) {
        long id = next++;
        tasks.put(id, new Task(id, clock.instant().plus(delay), task));
        return id;
    }

    @Override
    public synchronized void cancel(long handle) {
        tasks.remove(handle);
    }

    /** Moves time forward in steps to each due task, running them in due order. */
    public void advance(Duration d) {
        Instant end = clock.instant().plus(d);
        while (true) {
            Task due;
            synchronized (this) {
                due = tasks.values().stream().filter(t -> !t.due().isAfter(end))
                        .min(Comparator.comparing(Task::due).thenComparing(Task::id)).orElse(null);
                if (due != null) {
                    tasks.remove(due.id());
                }
            }
            if (due == null) {
                break;
            }
            if (due.due().isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), due.due()));
            }
            due.run().run();
        }
        if (end.isAfter(clock.instant())) {
            clock.advance(Duration.between(clock.instant(), end));
        }
    }
}
