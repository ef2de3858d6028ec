package io.relaycast.web.health;

import io.javalin.Javalin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code /health/live} (the process answers), {@code /health/ready} (200 only when every essential check
 * passes; non-essential failures show as "degraded"). {@code /metrics} is {@code web.metrics.MetricsEndpoint}.
 */
public final class HealthRoutes {
    private final List<ReadinessCheck> checks = new CopyOnWriteArrayList<>();
    public HealthRoutes() {
    }

    public void add(ReadinessCheck check) {
        checks.add(check);
    }

    public void register(Javalin app) {
        app.get("/health/live", ctx -> ctx.json(Map.of("status", "ok")));
        app.get("/health/ready", ctx -> {
            Map<String, Object> results = new LinkedHashMap<>();
            boolean ready = true;
            boolean degraded = false;
            for (ReadinessCheck c : checks) {
                ReadinessCheck.Result r = c.check();
                results.put(c.name(), Map.of("ok", r.ok(), "essential", c.essential(), "detail", r.detail()));
                if (!r.ok()) {
                    if (c.essential()) {
                        ready = false;
                    } else {
                        degraded = true;
                    }
                }
            }
            String status = !ready ? "unavailable" : degraded ? "degraded" : "ok";
            ctx.status(ready ? 200 : 503).json(Map.of("status", status, "checks", results));
        });
    }
}
