package io.bcgateway.idempotency;

/**
 * The {@code Idempotency-Key} request header (draft-ietf-httpapi-idempotency-key-header): a Structured Field string
 * such as {@code "8e03978e-40d5-43e8-bc93-6894a57f9324"}; the bare token without quotes is accepted too, as most
 * clients send it. 1 to 255 visible ASCII characters.
 */
public final class IdempotencyKey {

    public static final String HEADER = "Idempotency-Key";
    static final int MAX_LENGTH = 255;

    private IdempotencyKey() {
    }

    /** Why {@code header} is not a usable key, or null when it is. */
    public static String reject(String header) {
        String key = unquoted(header);
        if (key.isEmpty()) {
            return HEADER + " must not be empty";
        }
        if (key.length() > MAX_LENGTH) {
            return HEADER + " must be at most " + MAX_LENGTH + " characters, was " + key.length();
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                return HEADER + " must be visible ASCII characters without quotes or backslashes";
            }
        }
        return null;
    }

    /** The key without its Structured Field quotes (only valid after {@link #reject} returned null). */
    public static String unquoted(String header) {
        String key = header.strip();
        if (key.length() >= 2 && key.charAt(0) == '"' && key.charAt(key.length() - 1) == '"') {
            key = key.substring(1, key.length() - 1);
        }
        return key;
    }
}
