package io.bcgateway.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * JSON {@code $batch} (bc-facts): {@code {"requests":[{"method","id","url","headers","body"}]}} answered with
 * {@code {"responses":[{"id","status","headers","body"}]}}, at most 100 operations. Operations run in order
 * through the same {@link ODataService} as single requests. {@code Isolation: snapshot} is accepted but the
 * simulator does not roll back earlier operations when a later one fails.
 */
final class BatchHandler {

    static final int MAX_OPERATIONS = 100;

    private final ODataService service;

    BatchHandler(ODataService service) {
        this.service = service;
    }

    ODataResponse handle(ODataRequest batch, String correlationId) {
        try {
            return execute(batch, correlationId);
        } catch (BcException e) {
            return ODataService.error(e, correlationId);
        }
    }

    private ODataResponse execute(ODataRequest batch, String correlationId) {
        if (!batch.method().equalsIgnoreCase("POST")) {
            throw new BcException(405, "BadRequest_MethodNotAllowed", "'" + batch.method() + "' requests for '$batch' are not allowed.");
        }
        ObjectNode root = EntityBodies.parseObject(batch.body());
        JsonNode requests = root.get("requests");
        if (requests == null || !requests.isArray()) {
            throw BcException.badRequest("BadRequest_InvalidRequestBody", "The $batch body must contain a 'requests' array.");
        }
        if (requests.size() > MAX_OPERATIONS) {
            throw BcException.badRequest("BadRequest", "The batch request contains " + requests.size()
                    + " operations, but the maximum number of operations in a batch request is " + MAX_OPERATIONS + ".");
        }
        Buffer body = JsonBuffers.write(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("responses");
            for (JsonNode op : requests) {
                ODataResponse r = operation(batch, op, correlationId);
                g.writeStartObject();
                g.writeStringField("id", op.path("id").asText(""));
                g.writeNumberField("status", r.status());
                g.writeObjectFieldStart("headers");
                for (Map.Entry<String, String> h : r.headers()) {
                    g.writeStringField(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
                }
                g.writeEndObject();
                if (r.body() != null && r.body().length() > 0) {
                    g.writeFieldName("body");
                    String ct = r.headers().get("Content-Type");
                    if (ct != null && ct.startsWith("application/json")) {
                        g.writeTree(JsonBuffers.read(r.body()));
                    } else {
                        g.writeString(r.body().toString());
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
        return ODataResponse.of(200, BcErrors.SUCCESS_CONTENT_TYPE, body);
    }

    private ODataResponse operation(ODataRequest batch, JsonNode op, String correlationId) throws IOException {
        String method = op.path("method").asText("");
        String url = op.path("url").asText("");
        if (method.isEmpty() || url.isEmpty()) {
            return ODataService.error(BcException.badRequest("BadRequest_InvalidRequestBody",
                    "Each batch operation needs a 'method' and a 'url'."), correlationId);
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        Iterator<Map.Entry<String, JsonNode>> it = op.path("headers").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> h = it.next();
            headers.add(h.getKey(), h.getValue().asText());
        }
        Buffer body = null;
        JsonNode b = op.get("body");
        if (b != null && !b.isNull()) body = JsonBuffers.of(b);
        String relative = relativeUrl(url);
        int q = relative.indexOf('?');
        String path = q < 0 ? relative : relative.substring(0, q);
        String query = q < 0 ? null : relative.substring(q + 1);
        return service.handle(new ODataRequest(method, batch.api(), batch.apiRoot(), path, query, headers, body), correlationId);
    }

    /** Operation URLs may be relative to the API root, absolute paths or absolute URLs. */
    static String relativeUrl(String url) {
        String u = url;
        for (String root : new String[] {"/api/v2.0/", "/api/microsoft/automation/v2.0/"}) {
            int i = u.indexOf(root);
            if (i >= 0) return u.substring(i + root.length());
        }
        if (u.startsWith("http://") || u.startsWith("https://")) {
            int slash = u.indexOf('/', u.indexOf("//") + 2);
            u = slash < 0 ? "" : u.substring(slash);
        }
        while (u.startsWith("/")) u = u.substring(1);
        return u;
    }
}
