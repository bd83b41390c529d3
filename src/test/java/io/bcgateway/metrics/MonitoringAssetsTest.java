package io.bcgateway.metrics;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.bcgateway.testing.PrometheusText;
import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The shipped Grafana dashboard and Prometheus alert rules refer only to metrics the running gateway publishes:
 * every metric name in a panel query or rule expression must appear in this gateway's {@code /q/metrics}.
 */
@QuarkusTest
@WithTestResource(SimulatorProcess.class)
class MonitoringAssetsTest {

    private static final Path MONITORING = Path.of(System.getProperty("basedir", ".")).resolve("docs/monitoring");
    /** Our metric families; a histogram's series carry _bucket/_count/_sum, a counter's _total. */
    private static final Pattern OUR_METRIC = Pattern.compile("\\b((?:bc_gateway|http_server)_[a-zA-Z0-9_]+)");
    /** Any other identifier directly followed by a selector is a metric name too. */
    private static final Pattern SELECTED = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{");

    private PrometheusText scrape;

    @BeforeEach
    void scrape() {
        // Request counters are created on first use: make one request so their series exist.
        given().get("/bc/sim/api/v2.0/companies").then().statusCode(200);
        scrape = PrometheusText.scrape();
    }

    private static Set<String> metricNames(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher m = OUR_METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        m = SELECTED.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private void assertPublished(String where, String expr) {
        Set<String> names = metricNames(expr);
        assertFalse(names.isEmpty(), where + " names no metric: " + expr);
        for (String name : names) {
            assertTrue(scrape.names().contains(name), where + " uses " + name + ", which /q/metrics does not publish");
        }
    }

    @Test
    void dashboardIsAGrafanaModelWithATemplatedDatasourceAndPublishedMetrics() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(MONITORING.resolve("bc-gateway-dashboard.json")));
        assertNotNull(dashboard.get("uid"));
        assertNotNull(dashboard.get("title"));
        assertTrue(dashboard.get("schemaVersion").asInt() >= 30);
        JsonNode variables = dashboard.at("/templating/list");
        JsonNode datasource = null;
        for (JsonNode v : variables) {
            if ("datasource".equals(v.path("name").asText())) {
                datasource = v;
            } else {
                assertEquals("${datasource}", v.at("/datasource/uid").asText(), "variable " + v.path("name"));
                assertPublished("variable " + v.path("name").asText(), v.path("definition").asText());
            }
        }
        assertNotNull(datasource, "a datasource variable");
        assertEquals("datasource", datasource.path("type").asText());
        assertEquals("prometheus", datasource.path("query").asText());

        Set<Integer> ids = new HashSet<>();
        int queries = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            assertTrue(ids.add(panel.get("id").asInt()), "panel ids are unique");
            assertNotNull(panel.get("gridPos"), "panel " + panel.get("id") + " has a position");
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            String title = "panel '" + panel.path("title").asText() + "'";
            assertEquals("${datasource}", panel.at("/datasource/uid").asText(), title);
            assertTrue(panel.get("targets").size() > 0, title + " has queries");
            for (JsonNode target : panel.get("targets")) {
                assertEquals("${datasource}", target.at("/datasource/uid").asText(), title);
                assertFalse(target.path("refId").asText().isEmpty(), title);
                assertPublished(title, target.path("expr").asText());
                queries++;
            }
        }
        assertTrue(queries >= 25, "the dashboard covers the gateway's metrics: " + queries + " queries");
    }

    @Test
    void alertRulesUsePublishedMetricsAndCoverThrottlingTokensCircuitAndErrors() throws Exception {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(MONITORING.resolve("bc-gateway-alerts.yaml").toFile());
        Set<String> alerts = new TreeSet<>();
        for (JsonNode group : rules.get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                String alert = rule.path("alert").asText();
                assertFalse(alert.isEmpty());
                assertTrue(alerts.add(alert), "alert names are unique");
                assertFalse(rule.path("labels").path("severity").asText().isEmpty(), alert + " has a severity");
                assertPublished("alert " + alert, rule.path("expr").asText());
            }
        }
        for (String needed : List.of("BcGatewayBusinessCentralThrottling", "BcGatewayTokenFailures",
                "BcGatewayCircuitOpen", "BcGatewayHighErrorRate")) {
            assertTrue(alerts.contains(needed), needed + " in " + alerts);
        }
    }
}
