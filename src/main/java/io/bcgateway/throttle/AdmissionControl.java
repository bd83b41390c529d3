package io.bcgateway.throttle;

import java.time.Instant;

import io.vertx.core.Future;

/**
 * Admission to one Business Central principal, as the request paths see it: a running slot before each send, a
 * pause after BC's {@code Retry-After}. {@link Admission} enforces the limits inside this process;
 * {@code io.bcgateway.cluster.ClusterAdmission} shares them with the other replicas through Redis.
 */
public interface AdmissionControl {

    /**
     * A running slot, as soon as limits allow and no later than {@code deadline}; otherwise fails with an
     * {@link AdmissionRejectedException}.
     */
    Future<Admission.Permit> acquire(Instant deadline);

    /** Nothing is sent to this principal until {@code until}; queued requests wait. */
    void pauseUntil(Instant until);

    /** Requests holding a running slot (through this process). */
    int running();

    /** Requests waiting for a slot (in this process). */
    int queued();

    /** Requests counted in the current window, as far as this process knows. */
    int sentInWindow();
}
