package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Exact, thread-safe counters. The gateway's tests assert on them ("exactly one token request for
 * 200 concurrent calls"), so every increment is atomic and nothing is sampled.
 */
public final class SimulatorStats {

    private final AtomicLong tokenRequests = new AtomicLong();
    private final Map<String, LongAdder> tokenRequestsByClient = new ConcurrentHashMap<>();
    private final AtomicLong tokenFailures = new AtomicLong();
    private final AtomicLong bcRequests = new AtomicLong();
    private final Map<String, LongAdder> bcRequestsByMethod = new ConcurrentHashMap<>();
    private final AtomicLong bcUnauthorized = new AtomicLong();
    private final AtomicLong bcInFlight = new AtomicLong();
    private final AtomicLong bcMaxInFlight = new AtomicLong();
    private final AtomicLong bc429 = new AtomicLong();
    private final AtomicLong bc503 = new AtomicLong();
    private final AtomicLong bcFaults = new AtomicLong();
    private final AtomicLong bcResets = new AtomicLong();
    private final AtomicLong bcExecuted = new AtomicLong();
    private final Map<String, AtomicLong> bcMaxRunningByClient = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> bcMaxQueuedByClient = new ConcurrentHashMap<>();

    void tokenRequest(String clientId) {
        tokenRequests.incrementAndGet();
        tokenRequestsByClient.computeIfAbsent(clientId == null ? "" : clientId, k -> new LongAdder()).increment();
    }

    void tokenFailure() { tokenFailures.incrementAndGet(); }

    void bcRequestStarted(String method) {
        bcRequests.incrementAndGet();
        bcRequestsByMethod.computeIfAbsent(method, k -> new LongAdder()).increment();
        long now = bcInFlight.incrementAndGet();
        bcMaxInFlight.accumulateAndGet(now, Math::max);
    }

    void bcRequestEnded() { bcInFlight.decrementAndGet(); }

    void bcUnauthorized() { bcUnauthorized.incrementAndGet(); }

    /** Counts BC's answers by status: every 429 and 503, whether from the limiter or an injected fault. */
    void bcAnswered(int status) {
        if (status == 429) bc429.incrementAndGet();
        else if (status == 503) bc503.incrementAndGet();
    }

    void bcFault() { bcFaults.incrementAndGet(); }

    void bcReset() { bcResets.incrementAndGet(); }

    void bcExecution() { bcExecuted.incrementAndGet(); }

    void bcRunning(String clientId, int running) {
        bcMaxRunningByClient.computeIfAbsent(clientId, k -> new AtomicLong()).accumulateAndGet(running, Math::max);
    }

    void bcQueued(String clientId, int queued) {
        bcMaxQueuedByClient.computeIfAbsent(clientId, k -> new AtomicLong()).accumulateAndGet(queued, Math::max);
    }

    public long tokenRequests() { return tokenRequests.get(); }
    public long tokenRequests(String clientId) {
        LongAdder a = tokenRequestsByClient.get(clientId);
        return a == null ? 0 : a.sum();
    }
    public long tokenFailures() { return tokenFailures.get(); }
    public long bcRequests() { return bcRequests.get(); }
    public long bcRequests(String method) {
        LongAdder a = bcRequestsByMethod.get(method);
        return a == null ? 0 : a.sum();
    }
    public long bcUnauthorizedCount() { return bcUnauthorized.get(); }
    public long bcInFlight() { return bcInFlight.get(); }
    public long bcMaxInFlight() { return bcMaxInFlight.get(); }
    public long bc429() { return bc429.get(); }
    public long bc503() { return bc503.get(); }
    public long bcFaults() { return bcFaults.get(); }
    public long bcResets() { return bcResets.get(); }
    public long bcExecuted() { return bcExecuted.get(); }
    public long bcMaxRunning(String clientId) {
        AtomicLong a = bcMaxRunningByClient.get(clientId);
        return a == null ? 0 : a.get();
    }
    public long bcMaxQueued(String clientId) {
        AtomicLong a = bcMaxQueuedByClient.get(clientId);
        return a == null ? 0 : a.get();
    }

    /** Clears every counter. In-flight requests stay counted so the gauge never goes negative. */
    public void reset() {
        tokenRequests.set(0);
        tokenRequestsByClient.clear();
        tokenFailures.set(0);
        bcRequests.set(0);
        bcRequestsByMethod.clear();
        bcUnauthorized.set(0);
        bcMaxInFlight.set(bcInFlight.get());
        bc429.set(0);
        bc503.set(0);
        bcFaults.set(0);
        bcResets.set(0);
        bcExecuted.set(0);
        bcMaxRunningByClient.clear();
        bcMaxQueuedByClient.clear();
    }

    public ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("tokenRequests", tokenRequests.get());
        ObjectNode byClient = n.putObject("tokenRequestsByClient");
        new TreeMap<>(tokenRequestsByClient).forEach((k, v) -> byClient.put(k, v.sum()));
        n.put("tokenFailures", tokenFailures.get());
        n.put("bcRequests", bcRequests.get());
        ObjectNode byMethod = n.putObject("bcRequestsByMethod");
        new TreeMap<>(bcRequestsByMethod).forEach((k, v) -> byMethod.put(k, v.sum()));
        n.put("bcUnauthorized", bcUnauthorized.get());
        n.put("bcInFlight", bcInFlight.get());
        n.put("bcMaxInFlight", bcMaxInFlight.get());
        n.put("bc429", bc429.get());
        n.put("bc503", bc503.get());
        n.put("bcFaults", bcFaults.get());
        n.put("bcResets", bcResets.get());
        n.put("bcExecuted", bcExecuted.get());
        ObjectNode running = n.putObject("bcMaxRunningByClient");
        new TreeMap<>(bcMaxRunningByClient).forEach((k, v) -> running.put(k, v.get()));
        ObjectNode queued = n.putObject("bcMaxQueuedByClient");
        new TreeMap<>(bcMaxQueuedByClient).forEach((k, v) -> queued.put(k, v.get()));
        return n;
    }
}
