package io.bcgateway.status;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.bcgateway.testing.Gateway;
import io.bcgateway.testing.InjectSimulator;
import io.bcgateway.testing.SimulatorClient;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * The status page as an operator sees it: loaded in a real browser (Debian's headless Chromium, its script run,
 * its polls answered by the gateway), after Business Central answered a 429. Skipped only when Chromium is not
 * installed ({@code .ci/run} installs it).
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class StatusPageBrowserTest {

    /** Not UTC, so that a time shown in UTC instead of the browser's zone fails. */
    private static final String ZONE = "America/New_York";

    @InjectSimulator
    SimulatorClient simulator;

    @Test
    void showsBcs429WithItsRetryAfterTheWindowBarAsInTheStatusAndAClosedCircuit() {
        Assumptions.assumeTrue(HeadlessChromium.available(),
                "Chromium is not installed (" + HeadlessChromium.BINARY + "): apt-get install chromium chromium-driver");
        try {
            simulator.updateSettings(new JsonObject().put("retryAfterOn429", 1));
            simulator.forceFaults(429, 1);
            // BC answers 429 with Retry-After: 1; the gateway waits a second and the retry succeeds.
            given().get("/bc/sim/api/v2.0/companies").then().statusCode(200);
        } finally {
            simulator.restoreDefaults();
        }

        String dom = HeadlessChromium.dumpDom(Gateway.managementUrl("/q/gateway/status.html"), 4000, ZONE);
        JsonObject status = new JsonObject(given().get(Gateway.managementUrl("/q/gateway/status")).then().statusCode(200).extract().asString());

        Matcher event = Pattern.compile("<li class=\"event bc-throttled\"[^>]*><time datetime=\"([^\"]+)\"[^>]*>"
                + "([0-9:]+)</time>.*?<span class=\"detail\">([^<]*)</span>.*?</li>").matcher(dom);
        assertTrue(event.find(), () -> "no BC 429 in the event list:\n" + dom);
        assertEquals("429, Retry-After: 1", event.group(3));
        assertEquals(Instant.parse(event.group(1)).atZone(ZoneId.of(ZONE))
                .format(DateTimeFormatter.ofPattern("HH:mm:ss")), event.group(2), "the browser's local time");
        assertTrue(dom.contains("<div class=\"where\">sim</div>"), "the event names its connection");

        JsonObject sim = status.getJsonArray("connections").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("name").equals("sim")).findFirst().orElseThrow();
        JsonObject principal = sim.getJsonArray("principals").getJsonObject(0);
        assertTrue(dom.contains("token endpoint " + sim.getString("tokenEndpoint")), "the connection's token endpoint");
        Matcher window = Pattern.compile("<div class=\"bar window[^\"]*\"[^>]*data-connection=\"sim\" "
                + "data-principal=\"sim\" data-value=\"(\\d+)\" data-max=\"(\\d+)\"").matcher(dom);
        assertTrue(window.find(), () -> "no window bar for sim:\n" + dom);
        assertEquals(principal.getInteger("windowUsed"), Integer.valueOf(window.group(1)), "window used");
        assertEquals(principal.getInteger("windowLimit"), Integer.valueOf(window.group(2)), "window limit");
        assertTrue(principal.getInteger("windowUsed") >= 2, "the 429 and its retry both count in BC's window");
        int shownUsed = Integer.parseInt(window.group(1));
        assertTrue(dom.contains(String.format(java.util.Locale.US, "%,d / %,d", shownUsed,
                principal.getInteger("windowLimit"))), "the bar's number is shown as text");

        Matcher circuit = Pattern.compile("<span class=\"badge circuit ([a-z-]+)\" data-connection=\"sim\"[^>]*>"
                + "([^<]*)</span>").matcher(dom);
        assertTrue(circuit.find(), () -> "no circuit cell for sim:\n" + dom);
        assertEquals("closed", circuit.group(2));
        assertEquals("closed", circuit.group(1), "coloured as closed");
        assertTrue(dom.contains("live · updated"), "the page's own poll succeeded");
    }
}
