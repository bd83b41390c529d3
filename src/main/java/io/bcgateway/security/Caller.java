package io.bcgateway.security;

/** An authenticated caller: its configured name and its policy. */
public record Caller(String name, CallerPolicy policy) {

    /** The caller of {@code none} mode (loopback only): everything the connections allow. */
    static final Caller LOCAL = new Caller("local", CallerPolicy.everything("local"));
}
