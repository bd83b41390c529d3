package io.bcgateway.problem;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Every kind of error the gateway answers itself: the RFC 9457 {@code type} ({@code urn:bc-gateway:problem:<slug>})
 * and the OData error {@code code} that OData clients read from {@code {"error":{"code","message"}}}. Both are
 * stable: callers may switch on either. The codes follow Business Central's {@code Family_Reason} shape with the
 * family {@code Gateway}, so a client can tell the gateway's errors from BC's at a glance.
 */
public enum ProblemType {

    /** 404: no connection of that name is configured. */
    UNKNOWN_CONNECTION("unknown-connection", "Gateway_UnknownConnection"),
    /** 400: the request is refused before anything is sent. */
    BAD_REQUEST("bad-request", "Gateway_BadRequest"),
    /** 405: a method Business Central's APIs do not use. */
    METHOD_NOT_ALLOWED("method-not-allowed", "Gateway_MethodNotAllowed"),
    /** 413: a {@code $batch} too large to check against the caller's policy. */
    BATCH_TOO_LARGE("batch-too-large", "Gateway_BatchTooLarge"),
    /** 502: Entra ID refused the connection's credentials. */
    TOKEN_REJECTED("token-rejected", "Gateway_TokenRejected"),
    /** 503: Entra ID could not be reached, timed out or throttled the gateway. */
    TOKEN_UNAVAILABLE("token-unavailable", "Gateway_TokenUnavailable"),
    /** 502: Business Central could not be reached, or the exchange broke off. */
    BC_UNREACHABLE("bc-unreachable", "Gateway_BcUnreachable"),
    /** 504: Business Central did not answer within the read timeout. */
    BC_TIMEOUT("bc-timeout", "Gateway_BcTimeout"),
    /** 429: Business Central's per-principal limits leave no room before the caller's deadline. */
    THROTTLED("throttled", "Gateway_Throttled"),
    /** 503: the circuit breaker is open. */
    CIRCUIT_OPEN("circuit-open", "Gateway_CircuitOpen"),
    /** 502: a fan-out could not read a connection's company list. */
    COMPANY_LIST_FAILED("company-list-failed", "Gateway_CompanyListFailed"),
    /** 401: no or unaccepted caller credentials. */
    UNAUTHENTICATED("unauthenticated", "Gateway_Unauthenticated"),
    /** 403: the caller's policy does not allow the request. */
    FORBIDDEN("forbidden", "Gateway_Forbidden"),
    /** 429: the caller's own rate limit is used up. */
    CALLER_RATE_LIMITED("caller-rate-limited", "Gateway_CallerRateLimited"),
    /** 503: the gateway is draining before it stops. */
    SHUTTING_DOWN("shutting-down", "Gateway_ShuttingDown"),
    /** 400: ambiguous message framing (RFC 9112: Transfer-Encoding, Host, chunks); the connection is closed. */
    BAD_FRAMING("bad-framing", "Gateway_BadFraming"),
    /** 501: a transfer coding other than {@code chunked} alone, which the gateway does not decode. */
    TRANSFER_CODING_NOT_IMPLEMENTED("transfer-coding-not-implemented", "Gateway_TransferCodingNotImplemented"),
    /** 404: no webhook of that name is configured ({@code /webhooks/<name>}). */
    UNKNOWN_WEBHOOK("unknown-webhook", "Gateway_UnknownWebhook"),
    /** 404: a validation handshake while the gateway is not creating or renewing a subscription of that webhook. */
    HANDSHAKE_NOT_EXPECTED("handshake-not-expected", "Gateway_HandshakeNotExpected"),
    /** 401: a notification whose clientState is not the one the gateway gave the subscription. */
    NOTIFICATION_REJECTED("notification-rejected", "Gateway_NotificationRejected"),
    /** 413: a notification body larger than the webhook's max-notification-body. */
    NOTIFICATION_TOO_LARGE("notification-too-large", "Gateway_NotificationTooLarge"),
    /** 503: not every deliver-to target took every change; Business Central retries the notification. */
    DELIVERY_FAILED("delivery-failed", "Gateway_DeliveryFailed"),
    /** 400: an {@code Idempotency-Key} that is empty, longer than 255 characters or not visible ASCII. */
    IDEMPOTENCY_KEY_INVALID("idempotency-key-invalid", "Gateway_IdempotencyKeyInvalid"),
    /** 400: the connection requires an {@code Idempotency-Key} on every POST. */
    IDEMPOTENCY_KEY_MISSING("idempotency-key-missing", "Gateway_IdempotencyKeyMissing"),
    /** 413: a write with an {@code Idempotency-Key} whose body is too large to fingerprint. */
    IDEMPOTENT_BODY_TOO_LARGE("idempotent-body-too-large", "Gateway_IdempotentBodyTooLarge"),
    /** 409: the first request with this {@code Idempotency-Key} is still in flight. */
    IDEMPOTENCY_KEY_IN_USE("idempotency-key-in-use", "Gateway_IdempotencyKeyInUse"),
    /** 422: this {@code Idempotency-Key} belongs to another request (method, target or body differ). */
    IDEMPOTENCY_KEY_REUSED("idempotency-key-reused", "Gateway_IdempotencyKeyReused"),
    /** 502: the first request with this key reached BC and its answer was lost; it is never sent twice. */
    OUTCOME_UNKNOWN("outcome-unknown", "Gateway_OutcomeUnknown"),
    /** 503: the idempotency records (Redis in cluster mode) cannot be reached; nothing was sent. */
    IDEMPOTENCY_UNAVAILABLE("idempotency-unavailable", "Gateway_IdempotencyUnavailable");

    private static final Map<String, ProblemType> BY_SLUG = new HashMap<>();

    static {
        for (ProblemType t : values()) {
            BY_SLUG.put(t.slug, t);
        }
    }

    private final String slug;
    private final String odataCode;

    ProblemType(String slug, String odataCode) {
        this.slug = slug;
        this.odataCode = odataCode;
    }

    /** The last part of the {@code type} URI, for example {@code unknown-connection}. */
    public String slug() {
        return slug;
    }

    /** The OData error code, for example {@code Gateway_UnknownConnection}. */
    public String odataCode() {
        return odataCode;
    }

    /**
     * The OData code for a slug. A slug not (yet) listed here gets {@code Gateway_} and its words capitalised, the
     * rule every listed code follows, so an error added elsewhere still carries a usable code.
     */
    static String odataCodeOf(String slug) {
        ProblemType t = BY_SLUG.get(slug);
        return t != null ? t.odataCode : derivedCode(slug);
    }

    static String derivedCode(String slug) {
        StringBuilder b = new StringBuilder("Gateway_");
        for (String word : slug.split("-")) {
            if (!word.isEmpty()) {
                b.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
            }
        }
        return b.toString();
    }
}
