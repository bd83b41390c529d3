package io.bcgateway.security;

import java.time.Clock;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A caller's own rate limit, as a token bucket: up to {@code requests} at once, refilled evenly over
 * {@code period}. It protects the connection's shared BC quota from one noisy caller; BC's own limits are enforced
 * separately per principal, for all callers together.
 */
final class CallerRateLimiter {

    private static final Pattern SPEC = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{0,9})\\s*(ms|s|m|h)\\s*");

    private final int capacity;
    private final double tokensPerNano;
    private final Clock clock;
    private double tokens;
    private long lastNanos;

    CallerRateLimiter(int requests, Duration period, Clock clock) {
        if (requests < 1 || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("a rate limit needs at least 1 request per positive period");
        }
        this.capacity = requests;
        this.tokensPerNano = requests / (double) period.toNanos();
        this.clock = clock;
        this.tokens = requests;
        this.lastNanos = nanos();
    }

    /** {@code 600/1m}, {@code 20/s}, {@code 5/500ms}; null when the text is not of that form. */
    static CallerRateLimiter parse(String spec, Clock clock) {
        Matcher m = SPEC.matcher(spec);
        if (!m.matches()) {
            return null;
        }
        long amount = m.group(2).isEmpty() ? 1 : Long.parseLong(m.group(2));
        Duration period = switch (m.group(3)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
        int requests = Integer.parseInt(m.group(1));
        return requests < 1 || period.isZero() ? null : new CallerRateLimiter(requests, period, clock);
    }

    /** Takes one request's token: zero when admitted, else how long until one is available. */
    synchronized Duration tryAcquire() {
        long now = nanos();
        tokens = Math.min(capacity, tokens + (now - lastNanos) * tokensPerNano);
        lastNanos = now;
        if (tokens >= 1) {
            tokens -= 1;
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - tokens) / tokensPerNano));
    }

    private long nanos() {
        var instant = clock.instant();
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
