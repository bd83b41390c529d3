package io.bcgateway.simulator;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/** Status, headers and (possibly null) body of one BC API operation. */
record ODataResponse(int status, MultiMap headers, Buffer body) {

    static ODataResponse of(int status, String contentType, Buffer body) {
        MultiMap h = MultiMap.caseInsensitiveMultiMap();
        if (contentType != null) h.set("Content-Type", contentType);
        return new ODataResponse(status, h, body);
    }

    ODataResponse header(String name, String value) {
        headers.set(name, value);
        return this;
    }
}
