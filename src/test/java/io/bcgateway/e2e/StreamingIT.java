package io.bcgateway.e2e;

import io.bcgateway.testing.SimulatorProcess;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * The streaming round trips against the packaged gateway, started in its own JVM with a 64 MB heap
 * ({@code quarkus.test.arg-line}): holding a 50 MB body in memory would not fit, so passing proves the bodies
 * stream.
 */
@QuarkusIntegrationTest
@WithTestResource(SimulatorProcess.class)
class StreamingIT extends StreamingTest {
}
