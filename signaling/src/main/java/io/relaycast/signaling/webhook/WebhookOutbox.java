package io.relaycast.signaling.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The transactional outbox (decision 161). {@link #append(Handle, WebhookEventType, Map, long)} runs inside the
 * caller's transaction: the event and one pending delivery per subscribed, enabled endpoint commit or roll back
 * with the change that caused them, so an event is never lost after its change committed and never sent for a
 * change that rolled back. The dispatcher of any node picks the deliveries up from there.
 */
public final class WebhookOutbox {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;

    public WebhookOutbox(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** In its own transaction, for events with no other write to join (e.g. a viewer milestone). */
    public void append(WebhookEventType type, Map<String, ?> data, long now) {
        jdbi.useTransaction(h -> append(h, type, data, now));
    }

    /** @return the event id ({@code webhook-id}), or null when no endpoint subscribes to {@code type} */
    public String append(Handle h, WebhookEventType type, Map<String, ?> data, long now) {
        List<WebhookEndpoint> targets = WebhookEndpointRepository.enabled(h).stream().filter(e -> e.subscribes(type)).toList();
        if (targets.isEmpty()) {
            return null;
        }
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.wire());
        body.put("timestamp", Instant.ofEpochMilli(now).toString());
        body.put("data", data);
        h.createUpdate("INSERT INTO webhook_events (id, type, body, created_at) VALUES (:id, :type, :body, :now)")
                .bind("id", id).bind("type", type.wire()).bind("body", json(body)).bind("now", now).execute();
        for (WebhookEndpoint e : targets) {
            h.createUpdate("INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_at,"
                            + " created_at) VALUES (:id, :event, :endpoint, 'pending', 0, :now, :now)")
                    .bind("id", UUID.randomUUID().toString()).bind("event", id).bind("endpoint", e.id())
                    .bind("now", now).execute();
        }
        return id;
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("webhook data must be JSON", e);
        }
    }
}
