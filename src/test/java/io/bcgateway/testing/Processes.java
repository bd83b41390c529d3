package io.bcgateway.testing;

import java.util.concurrent.TimeUnit;

/** What every process a test starts needs at its end. */
final class Processes {

    private Processes() {
    }

    /** SIGKILL, then up to 10 s for the process to be gone: a crash or an outage, not a shutdown. */
    static void kill(Process process) {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
