package io.bcgateway.proxy;

import java.util.List;
import java.util.function.Supplier;

import io.bcgateway.connection.BcEndpoint;
import io.vertx.core.MultiMap;

/**
 * Points the response headers that carry an address of Business Central's API at the gateway: {@code Location}
 * (a 201's new entity), {@code Content-Location} and {@code OData-EntityId} (OData v4 section 8.3.3, an answer to
 * {@code Prefer: return=minimal}). A caller holds no token for BC's address, and it leaks BC's host, tenant and
 * environment. An address that is not this connection's is left as it is.
 */
final class BcAddresses {

    private static final List<String> ADDRESS_HEADERS = List.of("Location", "Content-Location", "OData-EntityId");

    private BcAddresses() {
    }

    /**
     * Rewrites the address headers in {@code headers} in place; {@code gatewayPrefix} (ending in {@code /}) is only
     * asked for when there is one to rewrite.
     */
    static void rewriteHeaders(MultiMap headers, BcEndpoint endpoint, Supplier<String> gatewayPrefix) {
        for (String name : ADDRESS_HEADERS) {
            String value = headers.get(name);
            if (value != null) {
                endpoint.restOf(value).ifPresent(rest -> headers.set(name, gatewayPrefix.get() + rest));
            }
        }
    }
}
