package io.bcgateway.resilience;

import static io.bcgateway.resilience.RetryPolicy.Outcome.FINAL;
import static io.bcgateway.resilience.RetryPolicy.Outcome.NOT_EXECUTED;
import static io.bcgateway.resilience.RetryPolicy.Outcome.NOT_SENT;
import static io.bcgateway.resilience.RetryPolicy.Outcome.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.vertx.core.http.HttpMethod;

class RetryPolicyTest {

    @Test
    void whatBcDidNotExecuteIsReplayedForEveryMethodPostIncluded() {
        for (HttpMethod m : new HttpMethod[] { HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.DELETE }) {
            assertTrue(RetryPolicy.mayRetry(NOT_EXECUTED, m, null), m.name());
            assertTrue(RetryPolicy.mayRetry(NOT_SENT, m, null), m.name());
        }
    }

    @Test
    void anUnknownOutcomeIsReplayedOnlyForIdempotentRequests() {
        assertTrue(RetryPolicy.mayRetry(UNKNOWN, HttpMethod.GET, null));
        assertTrue(RetryPolicy.mayRetry(UNKNOWN, HttpMethod.HEAD, null));
        assertTrue(RetryPolicy.mayRetry(UNKNOWN, HttpMethod.PUT, null));
        assertTrue(RetryPolicy.mayRetry(UNKNOWN, HttpMethod.DELETE, null));
        assertTrue(RetryPolicy.mayRetry(UNKNOWN, HttpMethod.PATCH, "W/\"JzE2OzgzMTM5\""));
        assertFalse(RetryPolicy.mayRetry(UNKNOWN, HttpMethod.PATCH, "*"), "If-Match: * would apply twice");
        assertFalse(RetryPolicy.mayRetry(UNKNOWN, HttpMethod.PATCH, null));
        assertFalse(RetryPolicy.mayRetry(UNKNOWN, HttpMethod.POST, null), "a POST is never replayed blind");
    }

    @Test
    void finalAnswersAreNeverReplayed() {
        assertFalse(RetryPolicy.mayRetry(FINAL, HttpMethod.GET, null));
    }

    @Test
    void statusesAreClassifiedByWhetherBcCanHaveExecutedThem() {
        assertEquals(NOT_EXECUTED, RetryPolicy.ofStatus(429, null));
        assertEquals(NOT_EXECUTED, RetryPolicy.ofStatus(503, "Application_TooManyRequests"));
        assertEquals(UNKNOWN, RetryPolicy.ofStatus(503, "ServiceUnavailable"));
        assertEquals(UNKNOWN, RetryPolicy.ofStatus(504, null));
        assertEquals(UNKNOWN, RetryPolicy.ofStatus(500, "Internal_ServerError"));
        assertEquals(FINAL, RetryPolicy.ofStatus(404, "BadRequest_ResourceNotFound"));
        assertEquals(FINAL, RetryPolicy.ofStatus(409, "Request_EntityChanged"));
    }
}
