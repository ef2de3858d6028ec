package io.relaycast.web.api;

import io.javalin.Javalin;
import io.relaycast.signaling.webhook.WebhookAttempt;
import io.relaycast.signaling.webhook.WebhookEndpoint;
import io.relaycast.signaling.webhook.WebhookService;
import io.relaycast.web.http.Query;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code /api/v1/webhooks} (admin): endpoints, their delivery log, and re-enabling a disabled one. */
public final class WebhookRoutes {
    private WebhookRoutes() {
    }

    public static void register(Javalin app, Api api, WebhookService webhooks) {
        String p = Api.PREFIX + "/webhooks";
        app.post(p, ctx -> {
            var b = api.body(ctx);
            WebhookEndpoint e = webhooks.create(api.auth().user(ctx), b.string("url"), b.stringList("events"));
            Map<String, Object> body = endpoint(e);
            body.put("secret", e.secret());
            ctx.status(201).json(body);
        });
        app.get(p, ctx -> ctx.json(Map.of("items", webhooks.list(api.auth().user(ctx)).stream().map(WebhookRoutes::endpoint).toList())));
        app.get(p + "/{wid}", ctx -> ctx.json(endpoint(webhooks.get(api.auth().user(ctx), ctx.pathParam("wid")))));
        app.delete(p + "/{wid}", ctx -> {
            webhooks.delete(api.auth().user(ctx), ctx.pathParam("wid"));
            ctx.status(204);
        });
        app.post(p + "/{wid}/enable", ctx -> ctx.json(endpoint(webhooks.enable(api.auth().user(ctx), ctx.pathParam("wid")))));
        app.get(p + "/{wid}/deliveries", ctx -> ctx.json(Map.of("items", webhooks.deliveries(api.auth().user(ctx),
                ctx.pathParam("wid"), Query.integer(ctx, "limit", 50)).stream().map(WebhookRoutes::attempt).toList())));
    }

    /** Never the secret: that is shown in the create answer only. */
    static Map<String, Object> endpoint(WebhookEndpoint e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", e.id());
        m.put("url", e.url());
        m.put("events", e.events());
        m.put("createdAt", Views.iso(e.createdAt()));
        m.put("enabled", e.disabledAt() == null);
        m.put("disabledAt", Views.iso(e.disabledAt()));
        m.put("disabledReason", e.disabledReason());
        m.put("consecutiveFailures", e.consecutiveFailures());
        return m;
    }

    static Map<String, Object> attempt(WebhookAttempt a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id());
        m.put("webhookId", a.eventId());
        m.put("eventType", a.eventType());
        m.put("attempt", a.attempt());
        m.put("attemptedAt", Views.iso(a.attemptedAt()));
        m.put("status", a.outcome());
        m.put("responseCode", a.responseStatus());
        m.put("error", a.error());
        m.put("durationMs", a.durationMs());
        m.put("deliveryStatus", a.deliveryStatus());
        m.put("nextAttemptAt", Views.iso(a.nextAttemptAt()));
        return m;
    }
}
