package io.relaycast.signaling.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;
import java.util.Optional;

/** Webhook endpoints in SQL. */
public final class WebhookEndpointRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    static final RowMapper<WebhookEndpoint> MAPPER = (rs, ctx) -> {
        long since = rs.getLong("failing_since");
        Long failingSince = rs.wasNull() ? null : since;
        long dis = rs.getLong("disabled_at");
        Long disabledAt = rs.wasNull() ? null : dis;
        return new WebhookEndpoint(rs.getString("id"), rs.getString("url"), events(rs.getString("events")),
                rs.getString("secret"), rs.getString("created_by"), rs.getLong("created_at"),
                rs.getInt("consecutive_failures"), failingSince, disabledAt, rs.getString("disabled_reason"));
    };

    private final Jdbi jdbi;

    public WebhookEndpointRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(WebhookEndpoint e) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO webhook_endpoints (id, url, events, secret, created_by, created_at)"
                        + " VALUES (:id, :url, :events, :secret, :by, :at)")
                .bind("id", e.id()).bind("url", e.url()).bind("events", json(e.events())).bind("secret", e.secret())
                .bind("by", e.createdBy()).bind("at", e.createdAt()).execute());
    }

    public List<WebhookEndpoint> all() {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhook_endpoints ORDER BY created_at, id").map(MAPPER).list());
    }

    public int count() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM webhook_endpoints").mapTo(Integer.class).one());
    }

    public Optional<WebhookEndpoint> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM webhook_endpoints WHERE id = :id").bind("id", id)
                .map(MAPPER).findOne());
    }

    /** Enabled endpoints, read inside the transaction that writes an event (the outbox fan-out). */
    static List<WebhookEndpoint> enabled(Handle h) {
        return h.createQuery("SELECT * FROM webhook_endpoints WHERE disabled_at IS NULL").map(MAPPER).list();
    }

    /** Deletes the endpoint with its pending deliveries and its log (ON DELETE CASCADE). */
    public boolean delete(String id) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("DELETE FROM webhook_attempts WHERE endpoint_id = :id").bind("id", id).execute();
            return h.createUpdate("DELETE FROM webhook_endpoints WHERE id = :id").bind("id", id).execute() == 1;
        });
    }

    /** Turns a disabled endpoint back on with a clean failure count; its given-up deliveries stay given up. */
    public boolean enable(String id) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE webhook_endpoints SET disabled_at = NULL, disabled_reason = NULL,"
                + " consecutive_failures = 0, failing_since = NULL WHERE id = :id").bind("id", id).execute() == 1);
    }

    private static String json(List<String> events) {
        try {
            return JSON.writeValueAsString(events);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> events(String s) {
        try {
            return JSON.readValue(s, STRINGS);
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }
}
