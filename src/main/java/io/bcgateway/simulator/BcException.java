package io.bcgateway.simulator;

/**
 * A BC error: HTTP status, BC error code (families BadRequest_*, Authentication_*, Internal_*, ... per bc-facts)
 * and message. The correlation-id suffix is added when the error is written.
 */
final class BcException extends RuntimeException {

    final int status;
    final String code;

    BcException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static BcException segmentNotFound(String segment) {
        return new BcException(404, "BadRequest_ResourceNotFound", "Resource not found for the segment '" + segment + "'.");
    }

    static BcException badRequest(String code, String message) {
        return new BcException(400, code, message);
    }

    static BcException propertyNotFound(String property, String qualifiedType) {
        return new BcException(400, "BadRequest_NotFound", "Could not find a property named '" + property + "' on type '"
                + qualifiedType + "'.");
    }
}
