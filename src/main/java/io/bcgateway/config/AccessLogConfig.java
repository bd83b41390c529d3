package io.bcgateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the access log's line (one per pass-through request) goes; see docs/operations.md, "Access log". */
@ConfigMapping(prefix = "gateway.access-log")
public interface AccessLogConfig {

    /** Where each line goes. */
    enum Output {
        /**
         * {@code stdout} while the console is Quarkus' plain console (on, on stdout, the default format) and no file,
         * syslog or socket handler is on; {@code logger} otherwise, so JSON logging and custom handlers keep every line.
         */
        AUTO,
        /**
         * The gateway formats the line itself (Quarkus' default console format) and a background thread writes whole
         * lines to stdout in writes of at most 4096 bytes.
         */
        STDOUT,
        /** The {@code io.bcgateway.access} logging category, formatted and routed by Quarkus' log handlers. */
        LOGGER,
        /** No line. */
        OFF
    }

    /**
     * {@code auto}, {@code stdout}, {@code logger} or {@code off}. {@code stdout} costs a fraction of {@code logger}
     * per request; {@code logger} lets the logging configuration format and route the line (JSON, files, syslog).
     */
    @WithDefault("auto")
    Output output();
}
