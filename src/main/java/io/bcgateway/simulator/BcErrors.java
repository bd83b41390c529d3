package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

/** BC error bodies, shaped as in bc-facts "OData behaviour". */
final class BcErrors {

    /** BC answers errors with this content type; successful bodies add {@code odata.streaming=true}. */
    static final String ERROR_CONTENT_TYPE = "application/json; odata.metadata=minimal";
    static final String SUCCESS_CONTENT_TYPE = "application/json; odata.metadata=minimal; odata.streaming=true";

    private BcErrors() { }

    /** {"error":{"code":..,"message":"<message>  CorrelationId:  <guid>."}} — note BC's two spaces. */
    static ObjectNode json(String code, String message, String correlationId) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        ObjectNode err = root.putObject("error");
        err.put("code", code);
        err.put("message", message + "  CorrelationId:  " + correlationId + ".");
        return root;
    }

    static ObjectNode unauthorized(String correlationId) {
        return json("Authentication_InvalidCredentials", "The server has rejected the client credentials.", correlationId);
    }

    /** The front door answers an unknown environment in XML, before any BC service is involved. */
    static Buffer noEnvironmentXml() {
        return Buffer.buffer("<?xml version=\"1.0\" encoding=\"utf-8\"?><error xmlns=\"http://docs.oasis-open.org/odata/ns/metadata\">"
                + "<code>NoEnvironment</code><message>Environment does not exist.</message></error>");
    }
}
