package io.bcgateway.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class ClassPreloadTest {

    /** Set by {@link Probe}'s static initialiser: it must not run when the class is only preloaded. */
    static final AtomicBoolean PROBE_INITIALISED = new AtomicBoolean();

    static class Probe {
        static {
            PROBE_INITIALISED.set(true);
        }
    }

    /** Classes only an unused feature needs (as UnusedFeaturesIT): a start must not load them, so the list must not. */
    private static final List<String> UNUSED = List.of("io.bcgateway.simulator.", "io.vertx.redis.client.impl.",
            "io.bcgateway.cluster.ClusterAdmission", "io.opentelemetry.sdk.", "io.bcgateway.fanout.FanoutRun",
            "io.bcgateway.fanout.BcClient", "io.bcgateway.fanout.CompanyDirectory",
            "io.bcgateway.fanout.BatchSplitter");

    @Test
    void loadsAndLinksTheListedClassesWithoutRunningTheirStaticInitialisers() {
        // Probe is linked (verified) as well as loaded: neither runs a static initialiser.
        int loaded = ClassPreload.preload(
                names(Probe.class.getName() + " link", "java.util.concurrent.ConcurrentSkipListMap"),
                getClass().getClassLoader());

        assertEquals(2, loaded);
        assertFalse(PROBE_INITIALISED.get(), "preloading ran Probe's static initialiser");
    }

    @Test
    void skipsCommentsBlankLinesAndNamesThisBuildDoesNotHave() {
        int loaded = ClassPreload.preload(names("# a comment", "", "io.bcgateway.NoSuchClass", "  java.util.BitSet  "),
                getClass().getClassLoader());

        assertEquals(1, loaded);
    }

    @Test
    void theShippedListNamesTheStartsClassesAndNoneOfAnUnusedFeature() throws IOException {
        List<String> names;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(ClassPreload.LIST)) {
            assertNotNull(in, ClassPreload.LIST + " is on the class path");
            names = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(l -> !l.startsWith("#")).map(l -> l.split(" ")[0]).toList();
        }
        assertTrue(names.contains("io.bcgateway.connection.Connections"), "the list names the gateway's start-up");
        assertTrue(names.contains("io.bcgateway.proxy.ProxyExchange"), "the list names the first answer's path");
        List<String> unused = names.stream().filter(n -> UNUSED.stream().anyMatch(n::startsWith)).toList();
        assertTrue(unused.isEmpty(), "classes of an unused feature in the list: " + unused);
    }

    private static BufferedReader names(String... lines) {
        return new BufferedReader(new StringReader(String.join("\n", lines)));
    }
}
