package io.bcgateway.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.quarkus.runtime.ImageMode;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The JVM's and the process's meters ({@code jvm_*}, {@code process_*}, {@code system_*}), bound to the registry at
 * the first request for {@code /q/metrics} instead of while the gateway starts.
 *
 * <p>Why: Quarkus' {@code jvm} and {@code system} binders (turned off in {@code application.properties}) bind these
 * meters during the start, on the main thread, before the gateway can answer: JMX's platform beans, the memory pools,
 * a GC notification listener and the operating system's bean cost 0.05 s of the start with the AOT cache and
 * 0.14-0.16 s without it (issue 14, docs/deployment.md "Start time"). A sidecar or a scaled-from-zero gateway pays
 * that before its first answer, and one that is never scraped pays it for nothing. Bound here, the same meters, with
 * the same names, tags and descriptions (Micrometer's public binders, as Quarkus 3.33 binds them, plus the same
 * {@code jvm_info} counter), are made on a worker thread while the first scrape waits, once.
 *
 * <p>What the first scrape cannot show: GC pauses and allocation before it ({@code jvm_gc_pause_seconds},
 * {@code jvm_gc_memory_*}) are counted from the binding on, which Prometheus' {@code rate()} absorbs like a restart.
 */
@ApplicationScoped
class JvmMetricsOnScrape {

    private static final Logger LOG = Logger.getLogger(JvmMetricsOnScrape.class);

    private final MeterRegistry registry;
    private final String path;
    private final boolean managementEnabled;
    /** Binders that hold a listener or a thread, closed at shutdown as Quarkus closes its own. */
    private final List<AutoCloseable> closeables = new CopyOnWriteArrayList<>();
    /** The binding, started by the first scrape and shared by every concurrent one; null until then. */
    private Future<Void> bound;

    @Inject
    JvmMetricsOnScrape(MeterRegistry registry,
            @ConfigProperty(name = "quarkus.micrometer.export.prometheus.path", defaultValue = "metrics") String path,
            @ConfigProperty(name = "quarkus.management.enabled", defaultValue = "false") boolean managementEnabled) {
        this.registry = registry;
        // A relative path is under the non-application root, /q (the gateway's docs, probes and tests assume it).
        this.path = path.startsWith("/") ? path : "/q/" + path;
        this.managementEnabled = managementEnabled;
    }

    /** Where the metrics are served: the management interface when it is on (build time), else the main router. */
    void onManagementInterface(@Observes ManagementInterface management) {
        register(management.router());
    }

    void onMainRouter(@Observes Router router) {
        if (!managementEnabled) {
            register(router);
        }
    }

    /** Ahead of Quarkus' Prometheus handler on the same path: the scrape goes on once the meters are bound. */
    private void register(Router router) {
        router.route(path).order(Integer.MIN_VALUE).handler(rc -> {
            Future<Void> binding = bound(rc.vertx());
            if (binding.isComplete()) {
                rc.next();
            } else {
                binding.onComplete(done -> rc.next());
            }
        });
    }

    /** The one binding: JMX look-ups block, so they run on a worker, not on the event loop. */
    synchronized Future<Void> bound(Vertx vertx) {
        if (bound == null) {
            bound = vertx.executeBlocking(() -> {
                bind();
                return null;
            }, false);
            bound.onFailure(e -> LOG.warnf("JVM and process metrics are not available: %s", e.toString()));
        }
        return bound;
    }

    /** The binders of Quarkus 3.33's {@code MicrometerRecorder} for {@code jvm} and {@code system}, in its order. */
    private void bind() {
        new ClassLoaderMetrics().bindTo(registry);
        JvmHeapPressureMetrics heapPressure = new JvmHeapPressureMetrics();
        heapPressure.bindTo(registry);
        closeables.add(heapPressure);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        // Quarkus' own jvm_info counter (its binder is in Quarkus' runtime package): the JVM's version as labels.
        Counter.builder("jvm.info").description("JVM version info")
                .tags("version", System.getProperty("java.runtime.version", "unknown"),
                        "vendor", System.getProperty("java.vm.vendor", "unknown"),
                        "runtime", System.getProperty("java.runtime.name", "unknown"))
                .register(registry).increment();
        if (ImageMode.current() == ImageMode.JVM) { // as Quarkus: no GC notifications in a native image
            JvmGcMetrics gc = new JvmGcMetrics();
            gc.bindTo(registry);
            closeables.add(gc);
        }
        new UptimeMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    @PreDestroy
    void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debugf("closing %s: %s", c, e);
            }
        }
        closeables.clear();
    }
}
