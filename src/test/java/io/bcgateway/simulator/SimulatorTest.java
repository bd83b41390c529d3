package io.bcgateway.simulator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the simulator's own tests: one simulator per test class on a random loopback port, a token of the demo app
 * and the first company's id. Subclasses run one after another (surefire runs test classes serially here), so the
 * static fields belong to the class whose tests are running.
 */
abstract class SimulatorTest {

    static SimulatorHarness sim;
    static String token;
    static String company;

    @BeforeAll
    static void startSimulator() throws Exception {
        sim = SimulatorHarness.start();
        token = sim.token();
        company = sim.firstCompanyId(token);
    }

    @AfterAll
    static void stopSimulator() throws Exception {
        sim.close();
    }
}
