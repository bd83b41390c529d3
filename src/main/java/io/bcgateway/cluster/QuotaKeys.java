package io.bcgateway.cluster;

import java.util.List;

/**
 * The Redis keys of one principal's shared quota. The principal sits in braces (a hash tag), so that all of them
 * live in one Redis Cluster slot, as a script touching several keys needs.
 *
 * @param running sorted set: lease id → lease expiry (ms); a lease is a running slot
 * @param window sorted set: lease id → when its request finished (ms); counted until a window later
 * @param pause string: the instant (ms) until which nobody may send, expiring then
 * @param tickets sorted set: waiting ticket → arrival number; only the first ones may take free slots
 * @param ticketExpiry sorted set: waiting ticket → when it is dropped unless its replica asks again (ms)
 * @param sequence counter giving tickets their arrival numbers
 */
public record QuotaKeys(String running, String window, String pause, String tickets, String ticketExpiry,
        String sequence) {

    public static QuotaKeys of(String prefix, String principal) {
        String base = prefix + "{" + principal + "}:";
        return new QuotaKeys(base + "running", base + "window", base + "pause", base + "tickets",
                base + "ticket-expiry", base + "sequence");
    }

    List<String> all() {
        return List.of(running, window, pause, tickets, ticketExpiry, sequence);
    }
}
