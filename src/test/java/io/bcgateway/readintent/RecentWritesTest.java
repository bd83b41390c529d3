package io.bcgateway.readintent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.bcgateway.testing.MutableClock;

/** Read-your-writes windows, per caller and company, on a moved clock. */
class RecentWritesTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RecentWrites writes = new RecentWrites(clock);

    @Test
    void theWritersReadsOfThatCompanyUseThePrimaryForTheWindow() {
        String path = "api/v2.0/companies(5a1e)/customers(77)";
        writes.wrote("bc", "app", path, Duration.ofSeconds(10));
        assertTrue(writes.mustReadPrimary("bc", "app", "api/v2.0/companies(5A1E)/customers"));
        assertFalse(writes.mustReadPrimary("bc", "other-app", path), "another caller reads the replica");
        assertFalse(writes.mustReadPrimary("bc", "app", "api/v2.0/companies(9999)/customers"), "another company");
        clock.advance(Duration.ofSeconds(10));
        assertFalse(writes.mustReadPrimary("bc", "app", path), "the window is over");
    }

    @Test
    void aWriteNamingNoCompanyCountsForEveryCompany() {
        writes.wrote("bc", "app", "api/v2.0/$batch", Duration.ofSeconds(10));
        assertTrue(writes.mustReadPrimary("bc", "app", "api/v2.0/companies(1)/items"));
    }

    @Test
    void companiesAreFoundInApiAndODataWebServicePaths() {
        assertEquals("5a1e", RecentWrites.company("api/v2.0/companies(5a1e)/customers"));
        assertEquals("5a1e", RecentWrites.company("api/v2.0/companies%285a1e%29/customers"));
        assertEquals("cronus", RecentWrites.company("ODataV4/Company('CRONUS')/Customer"));
        assertEquals("*", RecentWrites.company("api/v2.0/companies"));
    }
}
