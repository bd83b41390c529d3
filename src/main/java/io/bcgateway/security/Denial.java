package io.bcgateway.security;

/** Why a caller may not make a request: the configuration key of the rule that says no, and a readable reason. */
public record Denial(String rule, String detail) {
}
