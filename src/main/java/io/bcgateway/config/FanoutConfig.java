package io.bcgateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Fan-out across companies, connections and pages, and the splitting of large {@code $batch} requests. */
@ConfigMapping(prefix = "gateway.fanout")
public interface FanoutConfig {

    /**
     * Page size the gateway asks BC for while fanning out ({@code Prefer: odata.maxpagesize}): bounds the memory of
     * each page in flight. A caller's smaller page size is kept.
     */
    @WithDefault("1000")
    int pageSize();

    /** Targets (companies or connections) queried at once, unless the caller asks for fewer. */
    @WithDefault("8")
    int concurrency();

    /** How long a connection's company list is reused before it is fetched again. */
    @WithDefault("60s")
    Duration companyCacheTtl();

    /** Largest {@code $batch} body the gateway reads to count (and, past BC's 100 operations, split) it. */
    @WithDefault("16777216")
    int maxBatchBody();

    /** Longest a whole fan-out may run. */
    @WithDefault("10m")
    Duration maxDuration();
}
