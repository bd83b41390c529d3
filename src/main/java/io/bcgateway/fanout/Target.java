package io.bcgateway.fanout;

import io.bcgateway.connection.Connection;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One place a fan-out reads from: a connection, and within it a company or none.
 *
 * @param firstUri the upstream request target of the first page
 * @param tags the members written in front of each of its rows (empty for a plain all-pages read)
 */
record Target(Connection connection, String companyId, String companyName, String firstUri, Buffer tags) {

    static Target of(Connection connection, String companyId, String companyName, String firstUri,
            boolean tagConnection) {
        StringBuilder tags = new StringBuilder();
        if (tagConnection) {
            tags.append("\"@gateway.connection\":").append(FanoutWriter.quote(connection.name())).append(',');
        }
        if (companyId != null) {
            tags.append("\"@gateway.companyId\":").append(FanoutWriter.quote(companyId)).append(',')
                    .append("\"@gateway.companyName\":").append(FanoutWriter.quote(companyName)).append(',');
        }
        return new Target(connection, companyId, companyName, firstUri, Buffer.buffer(tags.toString()));
    }

    /** Names the target in a failure entry. */
    JsonObject describe() {
        JsonObject d = new JsonObject().put("connection", connection.name());
        if (companyId != null) {
            d.put("companyId", companyId).put("companyName", companyName);
        }
        return d;
    }
}
