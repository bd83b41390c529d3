package io.bcgateway.idempotency;

import java.util.Base64;

import io.vertx.core.json.JsonObject;

/**
 * What the gateway knows about one (caller, connection, key): the request's fingerprint, its state and, once
 * completed, the answer. Immutable; a store replaces records whole.
 *
 * @param leaseUntilMillis for {@link State#IN_FLIGHT}: past this the request's holder is taken as gone (a replica
 *        that died mid-request), and the record reads as {@link State#OUTCOME_UNKNOWN}, never as free
 */
public record IdempotencyRecord(String fingerprint, State state, long leaseUntilMillis, StoredAnswer answer) {

    public enum State {
        /** Sent (or about to be): a repeat waits (409). */
        IN_FLIGHT,
        /** BC answered: a repeat gets the same answer. */
        COMPLETED,
        /** Sent, and no answer says whether BC executed it: a repeat is never sent again (502 outcome-unknown). */
        OUTCOME_UNKNOWN
    }

    /**
     * BC's answer as the caller got it: status, the headers that matter for a write and the body (null when it was
     * larger than {@code gateway.idempotency.max-body} or broke off).
     */
    public record StoredAnswer(int status, String etag, String location, String contentType, byte[] body) {

        long size() {
            return (body == null ? 0 : body.length) + 64L;
        }
    }

    static IdempotencyRecord inFlight(String fingerprint, long leaseUntilMillis) {
        return new IdempotencyRecord(fingerprint, State.IN_FLIGHT, leaseUntilMillis, null);
    }

    /** The state as a reader must take it at {@code nowMillis}: an in-flight record past its lease is unknown. */
    public State stateAt(long nowMillis) {
        return state == State.IN_FLIGHT && nowMillis > leaseUntilMillis ? State.OUTCOME_UNKNOWN : state;
    }

    long size() {
        return fingerprint.length() + 64L + (answer == null ? 0 : answer.size());
    }

    JsonObject toJson() {
        JsonObject json = new JsonObject().put("f", fingerprint).put("s", state.name()).put("l", leaseUntilMillis);
        if (answer != null) {
            json.put("status", answer.status()).put("etag", answer.etag()).put("location", answer.location())
                    .put("type", answer.contentType());
            if (answer.body() != null) {
                json.put("body", Base64.getEncoder().encodeToString(answer.body()));
            }
        }
        return json;
    }

    static IdempotencyRecord fromJson(JsonObject json) {
        StoredAnswer answer = null;
        if (json.containsKey("status")) {
            String body = json.getString("body");
            answer = new StoredAnswer(json.getInteger("status"), json.getString("etag"), json.getString("location"),
                    json.getString("type"), body == null ? null : Base64.getDecoder().decode(body));
        }
        return new IdempotencyRecord(json.getString("f"), State.valueOf(json.getString("s")), json.getLong("l"),
                answer);
    }
}
