package io.bcgateway.simulator;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One BC API operation, from an HTTP request or from one entry of a {@code $batch}.
 *
 * @param apiRoot absolute URL of the API root, e.g. {@code http://127.0.0.1:8080/sim/v2.0/production/api/v2.0}
 * @param path raw (percent-encoded) resource path below the API root, without leading slash
 * @param rawQuery raw query string or null
 */
record ODataRequest(String method, ODataRequest.Api api, String apiRoot, String path, String rawQuery, MultiMap headers, Buffer body) {

    /**
     * Standard API v2.0; the automation API, which the simulator serves companies from; or a custom API
     * ({@code api/{publisher}/{group}/{version}}), which it serves as pages over the same tables as API v2.0.
     */
    enum Api { STANDARD, AUTOMATION, CUSTOM }
}
