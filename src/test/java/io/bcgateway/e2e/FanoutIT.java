package io.bcgateway.e2e;

import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/** The fan-out tests against the packaged gateway with a 64 MB heap: 50,000 rows must stream, not accumulate. */
@QuarkusIntegrationTest
@WithTestResource(SimulatorProcess.class)
class FanoutIT extends FanoutTest {
}
