package io.relaycast.web;

import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.web.config.RelaycastConfig;
import io.relaycast.web.health.MediaSocketMetrics;
import io.relaycast.web.metrics.MetricsEndpoint;
import io.relaycast.web.metrics.RelaycastMetrics;

import java.io.IOException;

/**
 * The server's Micrometer registry (JVM and media-socket meters from the start) and, once every source exists, the
 * relaycast_* series and /metrics (on the HTTP port, or on the management port of relaycast.metrics). Built and
 * stopped by the composition root ({@link RelaycastServer}).
 */
final class ServerMetrics {
    private final PrometheusMeterRegistry registry;
    /** The relaycast_* series; null until {@link #serve}. */
    private RelaycastMetrics series;
    /** /metrics; null until {@link #serve} succeeded. */
    private MetricsEndpoint endpoint;

    private ServerMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    static ServerMetrics create(MediaPlane media) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        MediaSocketMetrics.bind(registry, media);
        return new ServerMetrics(registry);
    }

    /** The registry the HTTP server's own meters go to as well. */
    PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Binds the relaycast_* series and serves /metrics.
     *
     * @throws IOException when the management port cannot be bound (the series are bound: {@link #stopServing}
     *                     closes them)
     */
    void serve(Javalin app, RelaycastMetrics.Sources sources, RelaycastConfig config) throws IOException {
        series = RelaycastMetrics.bind(registry, sources);
        endpoint = MetricsEndpoint.serve(registry, config.metrics(), app, config.http().host(), config.devMode());
    }

    /** The management port serving /metrics, or -1 when /metrics is on the HTTP port (or not served). */
    int port() {
        return endpoint == null ? -1 : endpoint.port();
    }

    /** Stops /metrics and the relaycast_* series, early in shutdown; the registry stays open for the rest. */
    void stopServing() {
        if (endpoint != null) {
            endpoint.close();
        }
        if (series != null) {
            series.close();
        }
    }

    /** Closes the registry: last, after every component that records into it has stopped. */
    void close() {
        registry.close();
    }
}
