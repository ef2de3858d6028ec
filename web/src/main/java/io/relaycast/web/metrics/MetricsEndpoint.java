package io.relaycast.web.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Executors;

/**
 * {@code GET /metrics} in the Prometheus text format (version 0.0.4): on the HTTP port, or on a management port of
 * its own (JDK HTTP server, one thread: scrapes are rare), in either case behind an optional bearer token
 * (RFC 6750 section 2.1) compared in constant time.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final byte[] token;
    private HttpServer server;

    public MetricsEndpoint(PrometheusMeterRegistry registry, MetricsConfig config) {
        this.registry = registry;
        this.token = config.bearerToken().isEmpty() ? null : config.bearerToken().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Serves {@code /metrics} where {@code config} says: on {@code app} (warning in production when nothing guards it),
     * or on its own port at {@code config.host()} (else {@code httpHost}).
     */
    public static MetricsEndpoint serve(PrometheusMeterRegistry registry, MetricsConfig config, Javalin app,
                                        String httpHost, boolean devMode) throws IOException {
        MetricsEndpoint e = new MetricsEndpoint(registry, config);
        if (!config.ownPort()) {
            e.register(app);
            if (!devMode && config.bearerToken().isEmpty()) {
                LOG.warn("/metrics is open on the HTTP port: set METRICS_TOKEN, or METRICS_PORT on a private interface");
            }
        } else {
            e.start(config.host().isEmpty() ? httpHost : config.host(), config.port());
        }
        return e;
    }

    /** On the HTTP port. */
    public void register(Javalin app) {
        app.get("/metrics", ctx -> {
            if (!authorized(ctx.header("Authorization"))) {
                ctx.status(401).header("WWW-Authenticate", "Bearer realm=\"metrics\"").result("bearer token required");
                return;
            }
            ctx.contentType(CONTENT_TYPE).result(registry.scrape());
        });
    }

    /** On its own port; returns the bound port. */
    public int start(String host, int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, Math.max(port, 0)), 16);
        server.createContext("/metrics", this::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        int bound = server.getAddress().getPort();
        LOG.info("metrics on {}:{}/metrics{}", host, bound, token == null ? "" : " (bearer token required)");
        return bound;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body;
            int status;
            if (!ex.getRequestMethod().equals("GET") || !ex.getRequestURI().getPath().equals("/metrics")) {
                status = 404;
                body = "not found".getBytes(StandardCharsets.UTF_8);
            } else if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"metrics\"");
                body = "bearer token required".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            }
            ex.sendResponseHeaders(status, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    boolean authorized(String header) {
        if (token == null) {
            return true;
        }
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    public int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
