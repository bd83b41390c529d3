package io.bcgateway.proxy;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.http.HttpHeaders;

/**
 * Reads the caller's {@code X-Gateway-Deadline}: how long the caller is willing to wait for admission and retries,
 * as seconds ({@code 5}) or with a unit ({@code 500ms}, {@code 20s}, {@code 2m}).
 */
final class Deadline {

    static final String HEADER = "X-Gateway-Deadline";
    /** The name to look the header up by: its case-insensitive hash is kept, not worked out per request. */
    static final CharSequence HEADER_NAME = HttpHeaders.createOptimized(HEADER);
    private static final Pattern VALUE = Pattern.compile("(\\d{1,7})(ms|s|m)?");

    private Deadline() {
    }

    /** The caller's budget, capped at {@code max}; {@code fallback} when absent; null when malformed. */
    static Duration parse(String header, Duration fallback, Duration max) {
        if (header == null) {
            return fallback;
        }
        Matcher m = VALUE.matcher(header.strip());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        return d.compareTo(max) > 0 ? max : d;
    }
}
