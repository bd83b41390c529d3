package io.bcgateway.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/** Business Central refusing connections or never answering becomes a clear problem, not a hang or a 500. */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class UpstreamFailureTest {

    @BeforeEach
    void closeCircuits() {
        CircuitBreakerMaintenance.get().resetAll(); // each test sees BC's failure, not a circuit opened by the last
    }

    @Test
    void unreachableBusinessCentralIsA502() {
        given().get("/bc/bcdown/api/v2.0/companies").then().statusCode(502)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:bc-gateway:problem:bc-unreachable"))
                .body("connection", equalTo("bcdown"));
    }

    @Test
    void silentBusinessCentralIsA504AfterTheReadTimeout() {
        given().get("/bc/bcslow/api/v2.0/companies").then().statusCode(504)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:bc-gateway:problem:bc-timeout"))
                .body("connection", equalTo("bcslow"));
    }

    @Test
    void silentBusinessCentralIsA504AfterTheReadTimeoutForAWriteWithABodyToo() {
        // A small body goes out at once, so its read timeout counts from the start of the request (one timer).
        given().contentType("application/json").body("{\"displayName\":\"Contoso\"}")
                .post("/bc/bcslow/api/v2.0/companies").then().statusCode(504)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:bc-gateway:problem:bc-timeout"))
                .body("connection", equalTo("bcslow"));
    }
}
