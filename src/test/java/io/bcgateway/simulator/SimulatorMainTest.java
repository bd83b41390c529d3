package io.bcgateway.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SimulatorMainTest {

    @Test
    void standaloneProcessPrintsItsUrlAndServes() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), SimulatorMain.class.getName(),
                "--port", "0", "--companies", "2", "--customers-per-company", "5", "--token-lifetime", "600")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine(); // blocks until the simulator listens (or the process dies: null)
            assertNotNull(line, "simulator process exited without printing");
            Matcher m = Pattern.compile("BC simulator listening on (http://127\\.0\\.0\\.1:(\\d+))").matcher(line);
            assertTrue(m.matches(), line);
            String base = m.group(1);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(base + "/" + SimulatorHarness.TENANT
                    + "/oauth2/v2.0/token")).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(SimulatorHarness.form(SimulatorHarness.CLIENT, SimulatorHarness.SECRET,
                            SimulatorHarness.SCOPE))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, token.statusCode());
            assertEquals(600, SimulatorHarness.JSON.readTree(token.body()).get("expires_in").asInt());
            String jwt = SimulatorHarness.JSON.readTree(token.body()).get("access_token").asText();
            HttpResponse<String> companies = http.send(HttpRequest.newBuilder(URI.create(base + "/v2.0/production/api/v2.0/companies"))
                    .header("Authorization", "Bearer " + jwt).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, companies.statusCode());
            assertEquals(2, SimulatorHarness.JSON.readTree(companies.body()).get("value").size());
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void limitAndFaultFlagsReachTheSettings() throws Exception {
        SimulatorMain.Started s = SimulatorMain.start(new String[] {"--rate-limit", "10", "--rate-window-ms", "1000", "--max-running", "2",
                "--max-queued", "3", "--queue-timeout-ms", "500", "--retry-after-429", "7", "--retry-after-503", "9",
                "--latency-ms", "20", "--latency-jitter-ms", "5", "--fault-rate", "0.25", "--faults-after-execution", "true",
                "--reset-mid-body-rate", "0.5", "--token-endpoint-mode", "throttled", "--token-endpoint-delay-ms", "100"});
        try {
            SimulatorSettings st = s.simulator().settings();
            assertEquals(10, st.rateLimitRequests());
            assertEquals(1000, st.rateWindowMillis());
            assertEquals(2, st.maxRunning());
            assertEquals(3, st.maxQueued());
            assertEquals(5, st.maxConnections());
            assertEquals(500, st.queueTimeoutMillis());
            assertEquals(7, st.retryAfterOn429Seconds().orElseThrow());
            assertEquals(9, st.retryAfterOn503Seconds());
            assertEquals(20, st.latencyMillis());
            assertEquals(5, st.latencyJitterMillis());
            assertEquals(0.25, st.faultRate());
            assertTrue(st.faultsAfterExecution());
            assertEquals(0.5, st.resetMidBodyRate());
            assertEquals(SimulatorSettings.TokenEndpointMode.THROTTLED, st.tokenEndpointMode());
            assertEquals(100, st.tokenEndpointDelayMillis());
        } finally {
            s.simulator().close();
            s.vertx().close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        assertThrows(IllegalArgumentException.class, () -> SimulatorMain.start(new String[] {"--fault-rate", "2"}));
        assertThrows(IllegalArgumentException.class, () -> SimulatorMain.start(new String[] {"--faults-after-execution", "yes"}));
    }
}
