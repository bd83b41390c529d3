package io.bcgateway.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.bcgateway.throttle.AdmissionRejectedException;
import io.bcgateway.token.TokenException;
import io.vertx.core.json.JsonObject;

class ProblemTest {

    /** The problem members are untouched, and the OData error repeats the detail under the type's code. */
    private static void assertOdataError(Problem p, String type, int status, String code) {
        JsonObject json = p.toJson();
        assertEquals("urn:bc-gateway:problem:" + type, json.getString("type"));
        assertEquals(status, json.getInteger("status"));
        assertTrue(json.getString("title") != null && !json.getString("title").isEmpty());
        JsonObject error = json.getJsonObject("error");
        assertEquals(code, error.getString("code"), json::encode);
        assertEquals(json.getString("detail"), error.getString("message"), json::encode);
        assertEquals(Set.of("code", "message"), error.fieldNames());
    }

    @Test
    void everyKindOfProblemCarriesAnOdataErrorWithItsCodeAndDetail() {
        assertOdataError(Problems.unknownConnection("nowhere"), "unknown-connection", 404, "Gateway_UnknownConnection");
        assertOdataError(Problems.throttled("sim", new AdmissionRejectedException("no slot before the deadline", Duration.ofSeconds(7))),
                "throttled", 429, "Gateway_Throttled");
        assertOdataError(Problems.circuitOpen("sim", Duration.ofSeconds(3)), "circuit-open", 503, "Gateway_CircuitOpen");
        assertOdataError(Problems.token("sim", new TokenException(TokenException.Kind.UNAVAILABLE, 0, null, null,
                "token endpoint https://login.example/t/oauth2/v2.0/token is unreachable: unknown host")),
                "token-unavailable", 503, "Gateway_TokenUnavailable");
        assertOdataError(Problems.token("sim", new TokenException(TokenException.Kind.REJECTED, 401, "AADSTS7000215",
                "invalid_client", "token endpoint refused the credentials")), "token-rejected", 502,
                "Gateway_TokenRejected");
        assertOdataError(Problems.upstreamTimeout("sim"), "bc-timeout", 504, "Gateway_BcTimeout");
        assertOdataError(Problems.upstreamUnreachable("sim", "refused"), "bc-unreachable", 502, "Gateway_BcUnreachable");
        assertOdataError(Problems.forbidden("erp", "sim", "gateway.callers.erp.allow", "no"), "forbidden", 403,
                "Gateway_Forbidden");
        assertOdataError(Problems.callerRateLimited("erp", "rate", 3), "caller-rate-limited", 429,
                "Gateway_CallerRateLimited");
        assertOdataError(Problems.badRequest("sim", "control characters"), "bad-request", 400, "Gateway_BadRequest");
    }

    @Test
    void aProblemWithoutDetailUsesItsTitleAsTheMessage() {
        JsonObject json = Problem.of(503, ProblemType.SHUTTING_DOWN, "Shutting down", null).toJson();
        assertEquals("Shutting down", json.getJsonObject("error").getString("message"));
        assertEquals("Gateway_ShuttingDown", json.getJsonObject("error").getString("code"));
    }

    @Test
    void codesAreUniqueAndFollowOneRule() {
        Set<String> codes = new HashSet<>();
        for (ProblemType t : ProblemType.values()) {
            assertTrue(codes.add(t.odataCode()), t.odataCode());
            assertEquals(ProblemType.derivedCode(t.slug()), t.odataCode(), t.name());
        }
    }

    @Test
    void aTypeNotYetListedStillGetsAStableCode() {
        assertEquals("Gateway_AmbiguousFraming",
                Problem.of(400, "ambiguous-framing", "Bad request", "x").toJson().getJsonObject("error").getString("code"));
    }

    @Test
    void theOpenApiDocumentListsEveryTypeAndCode() throws IOException {
        String openapi = Files.readString(Path.of("docs/openapi.yaml"));
        for (ProblemType t : ProblemType.values()) {
            assertTrue(openapi.contains("urn:bc-gateway:problem:" + t.slug()), t.slug());
            assertTrue(openapi.contains(t.odataCode()), t.odataCode());
        }
        assertTrue(List.of(openapi.split("\n")).stream().anyMatch(l -> l.contains("required: [code, message]")));
    }
}
