package io.bcgateway.proxy;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.time.ZoneId;
import java.util.Optional;
import java.util.function.Function;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.bcgateway.config.AccessLogConfig;
import io.bcgateway.config.AccessLogConfig.Output;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Sets the access log's output at start-up ({@code gateway.access-log.output}) and, for {@code stdout}, starts the
 * batched writer, publishes its dropped lines as {@code bc_gateway_access_log_dropped_total} and writes out what it
 * holds on shutdown. Quarkus fires {@link ShutdownEvent} after the drain of requests in flight (see
 * {@code shutdown.Drain}), so their lines are in the buffer by then.
 */
@ApplicationScoped
class AccessLogOutput {

    /** Quarkus' default console format: the stdout writer's line matches it, so a different one means the logger. */
    static final String DEFAULT_CONSOLE_FORMAT = "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c] (%t) %s%e%n";

    private static final Logger LOG = Logger.getLogger(AccessLogOutput.class);

    private StdoutAccessLog writer;
    private String announcement;

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, AccessLogConfig config,
            MeterRegistry registry) {
        Config all = ConfigProvider.getConfig();
        Function<String, Optional<String>> property = key -> all.getOptionalValue(key, String.class);
        Output output = resolve(config.output(), property);
        String why = config.output() != Output.AUTO ? "gateway.access-log.output" : loggerNeededFor(property);
        announcement = "Access log: " + output.name().toLowerCase(java.util.Locale.ROOT)
                + (why == null ? " (batched writer)" : " (" + why + ")");
        if (output == Output.STDOUT) {
            writer = new StdoutAccessLog(new FileOutputStream(FileDescriptor.out), System::currentTimeMillis,
                    ZoneId.systemDefault()).start();
            FunctionCounter.builder("bc.gateway.access.log.dropped", writer, StdoutAccessLog::dropped)
                    .description("Access log lines dropped because stdout could not keep up with the requests")
                    .register(registry);
        }
        AccessLog.use(writer, output == Output.OFF);
    }

    /**
     * Says which output was taken once the start has gone through: a start refused for a bad setting prints that one
     * line only (config/ConfigRefusal), so this line waits until every earlier start-up observer has passed.
     */
    void announce(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) StartupEvent event) {
        if (announcement != null) {
            LOG.info(announcement);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        if (writer != null) {
            AccessLog.use(null, false); // a line still to come goes through the logger, which outlives this
            writer.close();
        }
    }

    /**
     * What {@code auto} means for this logging configuration: {@code stdout} only while Quarkus' plain console is
     * the one place lines go (on, on stdout, its default format, no JSON) and no file, syslog or socket handler
     * and no handler of the access category's own is on; otherwise {@code logger}, so that every line still goes
     * where the operator routed the logs and in the format chosen.
     */
    static Output resolve(Output configured, Function<String, Optional<String>> property) {
        return configured != Output.AUTO ? configured : loggerNeededFor(property) == null ? Output.STDOUT : Output.LOGGER;
    }

    /** The logging setting that keeps {@code auto} on the logger (for the start-up line), or null. */
    static String loggerNeededFor(Function<String, Optional<String>> property) {
        for (String key : new String[] {"quarkus.log.console.enabled", "quarkus.log.console.enable"}) {
            if (!is(property, key, true)) {
                return key + "=false";
            }
        }
        // quarkus-logging-json reads quarkus.log.console.json.enabled when set, else quarkus.log.console.json, whose
        // default is true: JSON is on by default once the extension is there (application.properties turns it off).
        boolean json = property.apply("quarkus.log.console.json.enabled").or(() -> property.apply("quarkus.log.console.json"))
                .map(v -> Boolean.parseBoolean(v.trim())).orElse(true);
        if (json) {
            return "quarkus.log.console.json.enabled=true";
        }
        for (String key : new String[] {"quarkus.log.console.stderr", "quarkus.log.file.enabled", "quarkus.log.file.enable",
                "quarkus.log.syslog.enabled", "quarkus.log.syslog.enable", "quarkus.log.socket.enabled",
                "quarkus.log.socket.enable"}) {
            if (is(property, key, false)) {
                return key + "=true";
            }
        }
        if (!property.apply("quarkus.log.console.format").map(DEFAULT_CONSOLE_FORMAT::equals).orElse(true)) {
            return "quarkus.log.console.format";
        }
        String handlers = "quarkus.log.category.\"" + AccessLog.CATEGORY + "\".handlers";
        return property.apply(handlers).isPresent() ? handlers : null;
    }

    private static boolean is(Function<String, Optional<String>> property, String key, boolean unset) {
        return property.apply(key).map(v -> Boolean.parseBoolean(v.trim())).orElse(unset);
    }
}
