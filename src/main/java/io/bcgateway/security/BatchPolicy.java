package io.bcgateway.security;

import io.bcgateway.proxy.PathGuard;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A {@code $batch} carries other requests in its body, so a caller's policy applies to each of them: a read-only
 * caller may batch reads but not writes, and may not reach through a batch what it could not reach directly.
 * Operation URLs are relative to the batch's service root ({@code api/v2.0/$batch} → {@code api/v2.0/...}).
 */
public final class BatchPolicy {

    private BatchPolicy() {
    }

    /** Null when every operation of the batch (its parsed {@code requests} array) is allowed; else the first denial. */
    public static Denial deny(CallerPolicy policy, String connection, String batchPath, JsonArray requests) {
        int slash = batchPath.lastIndexOf('/');
        String root = slash < 0 ? "" : batchPath.substring(0, slash + 1);
        for (int i = 0; i < requests.size(); i++) {
            Object op = requests.getValue(i);
            if (!(op instanceof JsonObject o) || !(o.getValue("method") instanceof String method)
                    || !(o.getValue("url") instanceof String url)) {
                return new Denial("$batch", "Every $batch operation needs a method and a url.");
            }
            String id = o.getValue("id") == null ? String.valueOf(i) : String.valueOf(o.getValue("id"));
            if (url.contains("://") || url.startsWith("/")) {
                return new Denial("$batch", "$batch operation '" + id
                        + "': use a URL relative to the service root (absolute URLs are not checked, so not allowed).");
            }
            int query = url.indexOf('?');
            String path = root + (query < 0 ? url : url.substring(0, query));
            String refused = PathGuard.rejectPath(path);
            if (refused == null) {
                refused = PathGuard.rejectTarget("/" + path); // dot segments, plain or encoded
            }
            if (refused != null) {
                return new Denial("$batch", "$batch operation '" + id + "': " + refused);
            }
            Denial denied = policy.denyRequest(connection, method, path);
            if (denied != null) {
                return new Denial(denied.rule(), "$batch operation '" + id + "': " + denied.detail());
            }
        }
        return null;
    }
}
