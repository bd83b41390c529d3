package io.bcgateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Coalesced reads: concurrent identical GETs share one call to Business Central. Nothing is cached: only requests in
 * flight at the same time are joined. A connection turns it off with {@code gateway.connections.<name>.coalesce}.
 */
@ConfigMapping(prefix = "gateway.coalesce")
public interface CoalesceConfig {

    /** Coalesce identical GETs at all (every connection); {@code false} turns it off everywhere. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The largest answer handed to every waiting caller. A larger answer streams to the first caller only, and the
     * others are then sent to Business Central on their own.
     */
    @WithDefault("1048576")
    int maxBody();
}
