package io.bcgateway.readintent;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Read-your-writes for BC's read replica: which caller wrote to which company of a connection, until when its reads
 * must go to the primary. The replica is transactionally consistent but may lag the primary slightly (bc-facts
 * "Read scale-out"), so a caller reading back its own write within the window reads the primary. A write whose path
 * names no company (a {@code $batch} at the API root) counts for every company of the connection. Bounded: past
 * {@link #MAX_ENTRIES} the expired entries go, and if none had expired the whole map is cleared (reads then use the
 * replica a little early, never the other way round for longer than the window).
 */
public final class RecentWrites {

    static final int MAX_ENTRIES = 100_000;
    /** The company of a write whose path names none. */
    private static final String ANY_COMPANY = "*";

    private final Clock clock;
    private final Map<String, Long> until = new ConcurrentHashMap<>();

    public RecentWrites(Clock clock) {
        this.clock = clock;
    }

    /** A successful write by {@code caller} through {@code connection} to the company named in {@code path}. */
    public void wrote(String connection, String caller, String path, Duration window) {
        if (until.size() >= MAX_ENTRIES) {
            long now = clock.millis();
            until.values().removeIf(t -> t <= now);
            if (until.size() >= MAX_ENTRIES) {
                until.clear();
            }
        }
        until.put(key(connection, caller, company(path)), clock.millis() + window.toMillis());
    }

    /** Whether {@code caller}'s read of {@code path} must go to the primary to see its own recent write. */
    public boolean mustReadPrimary(String connection, String caller, String path) {
        if (until.isEmpty()) {
            return false;
        }
        long now = clock.millis();
        return within(key(connection, caller, company(path)), now) || within(key(connection, caller, ANY_COMPANY), now);
    }

    private boolean within(String key, long now) {
        Long t = until.get(key);
        return t != null && t > now;
    }

    private static String key(String connection, String caller, String company) {
        return connection + '\n' + caller + '\n' + company;
    }

    /**
     * The company a path names: {@code companies(<id>)} in the API routes, {@code Company('<name>')} in OData web
     * services; {@code *} for none.
     */
    static String company(String path) {
        String literal = path.indexOf('%') < 0 ? path : path.replace("%28", "(").replace("%29", ")")
                .replace("%27", "'");
        int at = indexOfIgnoreCase(literal, "companies(");
        int open = at < 0 ? -1 : at + "companies(".length();
        if (open < 0) {
            at = indexOfIgnoreCase(literal, "company(");
            open = at < 0 ? -1 : at + "company(".length();
        }
        if (open < 0) {
            return ANY_COMPANY;
        }
        int close = literal.indexOf(')', open);
        return close < 0 ? ANY_COMPANY : literal.substring(open, close).replace("'", "").toLowerCase(java.util.Locale.ROOT);
    }

    private static int indexOfIgnoreCase(String s, String part) {
        return s.toLowerCase(java.util.Locale.ROOT).indexOf(part);
    }
}
