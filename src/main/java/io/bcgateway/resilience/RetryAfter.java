package io.bcgateway.resilience;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads a {@code Retry-After} header: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3). */
public final class RetryAfter {

    private RetryAfter() {
    }

    public static Optional<Duration> parse(String header, Clock clock) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String v = header.strip();
        try {
            long seconds = Long.parseLong(v);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
