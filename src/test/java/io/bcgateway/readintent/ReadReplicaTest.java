package io.bcgateway.readintent;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.ShiftableClock;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * BC's read replica (connection {@code replica}, {@code read-intent=replica}) against the simulator, whose replica
 * lags the primary by a minute here: what a GET sees tells which database it read.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class ReadReplicaTest {

    @InjectSimulator
    SimulatorClient simulator;

    @Inject
    Clock clock;

    @AfterEach
    void restore() {
        simulator.restoreDefaults();
    }

    @Test
    void getsReadTheReplicaExceptRightAfterTheCallersOwnWrite() {
        simulator.updateSettings(new JsonObject().put("replicaLagMillis", 60_000));
        String company = given().get("/bc/replica/api/v2.0/companies").then().statusCode(200)
                .extract().path("value[0].id");
        String customers = "/bc/replica/api/v2.0/companies(" + company + ")/customers";
        String id = given().queryParam("$top", 1).get(customers).then().statusCode(200).extract().path("value[0].id");
        String customer = customers + "(" + id + ")";
        String before = given().get(customer).then().log().ifValidationFails().statusCode(200).extract()
                .path("displayName");
        String after = before + " (renamed " + System.nanoTime() + ")";

        given().header("If-Match", "*").contentType("application/json")
                .body(new JsonObject().put("displayName", after).encode())
                .patch(customer).then().statusCode(200);

        assertEquals(after, given().get(customer).then().statusCode(200).extract().path("displayName"),
                "right after its own PATCH the caller reads the primary, and sees the change");

        ((ShiftableClock) clock).advance(Duration.ofSeconds(11)); // past read-your-writes (10 s)
        assertEquals(before, given().get(customer).then().statusCode(200).extract().path("displayName"),
                "afterwards a GET carries Data-Access-Intent: ReadOnly: the lagging replica does not show it yet");
        assertEquals(after, given().header("Data-Access-Intent", "ReadWrite").get(customer).then().statusCode(200)
                .extract().path("displayName"), "a caller's own Data-Access-Intent is kept");
        assertEquals(after, given().get(customer.replace("/bc/replica/", "/bc/sim/")).then().statusCode(200)
                .extract().path("displayName"), "a connection reading the primary sees the change at once");
    }
}
