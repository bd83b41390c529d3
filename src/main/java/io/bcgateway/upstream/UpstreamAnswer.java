package io.bcgateway.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.json.JsonObject;

/**
 * BC's answer to one attempt: its response, and its body when it was read whole (always with
 * {@link Delivery#BUFFERED}; for 429 and 5xx with {@link Delivery#STREAMED}), else null (unread, paused).
 */
public final class UpstreamAnswer {

    private final HttpClientResponse response;
    private final Buffer body;
    private String errorCode;
    private boolean errorCodeRead;

    UpstreamAnswer(HttpClientResponse response, Buffer body) {
        this.response = response;
        this.body = body;
    }

    public HttpClientResponse response() {
        return response;
    }

    public int status() {
        return response.statusCode();
    }

    public MultiMap headers() {
        return response.headers();
    }

    /** The whole body, or null when it is still to be streamed. */
    public Buffer body() {
        return body;
    }

    /** {@code error.code} of a BC error body read whole, or null (parsed once, only when asked). */
    public String bcErrorCode() {
        if (!errorCodeRead) {
            errorCodeRead = true;
            errorCode = body == null ? null : bcErrorCode(body);
        }
        return errorCode;
    }

    static String bcErrorCode(Buffer body) {
        try {
            JsonObject error = new JsonObject(body).getJsonObject("error");
            return error == null ? null : error.getString("code");
        } catch (RuntimeException notJson) {
            return null;
        }
    }
}
