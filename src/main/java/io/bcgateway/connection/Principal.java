package io.bcgateway.connection;

import io.bcgateway.throttle.AdmissionControl;
import io.bcgateway.token.TokenSource;

/**
 * One app registration of a connection: what BC counts its limits against. Own token, own window, own slots.
 *
 * @param clientId the app registration's client id (not a secret)
 */
public record Principal(String clientId, TokenSource tokens, AdmissionControl admission) {

    /** Requests running or waiting for this principal: the load that routing balances. */
    int load() {
        return admission.running() + admission.queued();
    }
}
