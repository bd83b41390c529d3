package io.bcgateway.cluster;

import java.time.Duration;
import java.util.List;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The shared quota's operations, each one Lua script run atomically by Redis, so that two replicas can never both
 * take the last slot.
 *
 * <p>Time is Redis's own ({@code TIME} inside the script): every replica measures leases, the window and pauses on
 * one clock, so skewed replica clocks cannot widen the window. (Redis 7 replicates a script's effects, not the
 * script, so reading {@code TIME} before writing is allowed.) Tests pass an explicit {@code now} instead.
 *
 * <p>Counting follows the local {@code Admission}: a request counts in the window from its admission; it leaves
 * the window a window after it finished, because the gateway cannot know when BC counted it, only that BC did
 * before it answered. A lease that is not renewed in time is taken as finished at its expiry.
 */
public final class RedisQuotaStore {

    /** Common prologue: the clock and the pruning of expired leases, old window entries and abandoned tickets. */
    private static final String PROLOGUE = """
            local now = tonumber(ARGV[1])
            if now == nil then
              local t = redis.call('TIME')
              now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            end
            local function prune(window)
              local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES')
              for i = 1, #expired, 2 do
                redis.call('ZADD', KEYS[2], expired[i + 1], expired[i])
              end
              redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
              if window ~= nil then
                redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
              end
              local gone = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now)
              for i = 1, #gone do
                redis.call('ZREM', KEYS[4], gone[i])
              end
              redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
            end
            """;

    /**
     * ARGV: now, ticket, lease, maxRunning, windowLimit, windowMs, leaseTtlMs, ticketTtlMs. Returns {granted (0/1),
     * wait ms (-1: until a slot is released), running, inWindow}. A ticket keeps its place in the queue across
     * calls; a slot goes to the ticket only while fewer tickets are ahead of it than slots are free, so the
     * replica that asked first is served first and none starves.
     */
    static final String ACQUIRE = PROLOGUE + """
            local ticket, lease = ARGV[2], ARGV[3]
            local maxRunning, limit = tonumber(ARGV[4]), tonumber(ARGV[5])
            local window, leaseTtl, ticketTtl = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
            prune(window)
            if not redis.call('ZSCORE', KEYS[4], ticket) then
              redis.call('ZADD', KEYS[4], redis.call('INCR', KEYS[6]), ticket)
            end
            redis.call('ZADD', KEYS[5], now + ticketTtl, ticket)
            local idle = window + leaseTtl + ticketTtl
            for i = 1, 6 do
              if i ~= 3 then redis.call('PEXPIRE', KEYS[i], idle) end
            end
            local running = redis.call('ZCARD', KEYS[1])
            local inWindow = running + redis.call('ZCARD', KEYS[2])
            local wait = 0
            local pausedUntil = tonumber(redis.call('GET', KEYS[3]) or '0')
            if pausedUntil > now then wait = pausedUntil - now end
            if inWindow >= limit then
              local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
              if #oldest > 0 then
                local free = tonumber(oldest[2]) + window - now
                if free > wait then wait = free end
              elseif wait == 0 then
                wait = -1
              end
            end
            if wait ~= 0 then
              return {0, wait, running, inWindow}
            end
            local free = math.min(maxRunning - running, limit - inWindow)
            if redis.call('ZRANK', KEYS[4], ticket) < free then
              redis.call('ZREM', KEYS[4], ticket)
              redis.call('ZREM', KEYS[5], ticket)
              redis.call('ZADD', KEYS[1], now + leaseTtl, lease)
              return {1, 0, running + 1, inWindow + 1}
            end
            return {0, -1, running, inWindow}
            """;

    /**
     * ARGV: now, lease. The slot is free; the request counts in the window until a window from now. Returns 1, or 0
     * if the lease had expired (its holder stalled longer than the lease): it was taken as finished at its expiry,
     * and BC may have counted it later than that, so its window entry moves to now.
     */
    static final String RELEASE = PROLOGUE + """
            prune(nil)
            if redis.call('ZREM', KEYS[1], ARGV[2]) == 1 then
              redis.call('ZADD', KEYS[2], now, ARGV[2])
              return 1
            end
            redis.call('ZADD', KEYS[2], 'XX', 'GT', now, ARGV[2])
            return 0
            """;

    /**
     * ARGV: now, lease. The slot is free and the request leaves no trace in the window: BC never received it (the
     * token failed, the circuit was open, the caller left before it was sent). Returns 1, or 0 if the lease had
     * expired (then it was taken as finished at its expiry, and that entry is dropped too).
     */
    static final String RELEASE_UNSENT = PROLOGUE + """
            prune(nil)
            if redis.call('ZREM', KEYS[1], ARGV[2]) == 1 then
              return 1
            end
            redis.call('ZREM', KEYS[2], ARGV[2])
            return 0
            """;

    /** ARGV: now, leaseTtlMs, lease... Extends leases still held; returns how many were. */
    static final String RENEW = PROLOGUE + """
            prune(nil)
            local renewed = 0
            for i = 3, #ARGV do
              renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[i])
            end
            return renewed
            """;

    /** ARGV: now, pauseMs. Nobody sends before now + pause (a longer pause already set wins). */
    static final String PAUSE = PROLOGUE + """
            local ms = tonumber(ARGV[2])
            local current = tonumber(redis.call('GET', KEYS[3]) or '0')
            if now + ms > current then
              redis.call('SET', KEYS[3], now + ms, 'PX', ms)
            end
            return 1
            """;

    /** ARGV: now, ticket. The replica no longer waits: its ticket must not hold back the others. */
    static final String CANCEL = PROLOGUE + """
            redis.call('ZREM', KEYS[5], ARGV[2])
            return redis.call('ZREM', KEYS[4], ARGV[2])
            """;

    /** One acquire answer: granted, or how long to wait ({@code -1}: until a release). */
    public record Answer(boolean granted, long waitMillis, int running, int inWindow) {
    }

    private final Redis redis;

    public RedisQuotaStore(Redis redis) {
        this.redis = redis;
    }

    /** The limits of one principal as the scripts need them. */
    public record Limits(int maxRunning, int windowLimit, Duration window, Duration leaseTtl, Duration ticketTtl) {
    }

    public Future<Answer> acquire(QuotaKeys keys, String ticket, String lease, Limits l, Long now) {
        return eval(ACQUIRE, keys, now, ticket, lease, l.maxRunning(), l.windowLimit(), l.window().toMillis(),
                l.leaseTtl().toMillis(), l.ticketTtl().toMillis())
                .map(r -> new Answer(r.get(0).toInteger() == 1, r.get(1).toLong(), r.get(2).toInteger(),
                        r.get(3).toInteger()));
    }

    public Future<Boolean> release(QuotaKeys keys, String lease, Long now) {
        return eval(RELEASE, keys, now, lease).map(r -> r.toInteger() == 1);
    }

    public Future<Boolean> releaseUnsent(QuotaKeys keys, String lease, Long now) {
        return eval(RELEASE_UNSENT, keys, now, lease).map(r -> r.toInteger() == 1);
    }

    public Future<Integer> renew(QuotaKeys keys, Duration leaseTtl, List<String> leases, Long now) {
        Object[] args = new Object[leases.size() + 1];
        args[0] = leaseTtl.toMillis();
        for (int i = 0; i < leases.size(); i++) {
            args[i + 1] = leases.get(i);
        }
        return eval(RENEW, keys, now, args).map(Response::toInteger);
    }

    public Future<Void> pause(QuotaKeys keys, Duration pause, Long now) {
        return eval(PAUSE, keys, now, Math.max(1, pause.toMillis())).mapEmpty();
    }

    public Future<Boolean> cancel(QuotaKeys keys, String ticket, Long now) {
        return eval(CANCEL, keys, now, ticket).map(r -> r.toInteger() == 1);
    }

    public Future<Void> ping() {
        return redis.send(Request.cmd(Command.PING)).mapEmpty();
    }

    /** EVAL: Redis keeps the compiled script cached by its digest, so resending the text costs only bytes. */
    private Future<Response> eval(String script, QuotaKeys keys, Long now, Object... args) {
        List<String> k = keys.all();
        Request req = Request.cmd(Command.EVAL).arg(script).arg(k.size());
        k.forEach(req::arg);
        req.arg(now == null ? "" : Long.toString(now));
        for (Object a : args) {
            req.arg(a.toString());
        }
        return redis.send(req);
    }
}
