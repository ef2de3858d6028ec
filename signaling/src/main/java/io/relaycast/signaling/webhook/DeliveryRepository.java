package io.relaycast.signaling.webhook;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Pending deliveries and the attempt log. A dispatcher owns a delivery only while its lease holds: the claim is
 * a conditional UPDATE that succeeds for one node only (PostgreSQL re-checks the WHERE clause on the row a
 * concurrent claimer just committed), and every later write is conditional on still being the lease owner.
 */
public final class DeliveryRepository {
    /** A delivery this node leased, with everything one attempt needs. */
    public record Claimed(String id, String eventId, String eventType, String body, long eventCreatedAt,
                          int attempts, String endpointId, String url, String secret) {
    }

    /** The outcome of one attempt. {@code status} is null when no HTTP answer came. */
    public record Outcome(boolean delivered, Integer status, String error, long durationMs) {
    }

    private final Jdbi jdbi;

    public DeliveryRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Leases up to {@code max} due deliveries of enabled endpoints for {@code node} until {@code leaseUntil}.
     * {@code slots} is asked before each claim, so a slow endpoint cannot take every worker; a slot reserved for a
     * delivery that another node claimed first is released at once.
     */
    public List<Claimed> claimDue(String node, long now, long leaseUntil, int max, EndpointSlots slots) {
        return jdbi.withHandle(h -> {
            List<String[]> due = h.createQuery("SELECT d.id, d.endpoint_id FROM webhook_deliveries d"
                            + " JOIN webhook_endpoints e ON e.id = d.endpoint_id"
                            + " WHERE d.status = 'pending' AND d.next_attempt_at <= :now"
                            + " AND (d.lease_until IS NULL OR d.lease_until < :now) AND e.disabled_at IS NULL"
                            + " ORDER BY d.next_attempt_at LIMIT :limit")
                    .bind("now", now).bind("limit", max * 4)
                    .map((rs, ctx) -> new String[]{rs.getString(1), rs.getString(2)}).list();
            List<Claimed> out = new ArrayList<>();
            for (String[] d : due) {
                if (out.size() >= max) {
                    break;
                }
                if (!slots.reserve(d[1])) {
                    continue;
                }
                int won = h.createUpdate("UPDATE webhook_deliveries SET lease_owner = :node, lease_until = :until"
                                + " WHERE id = :id AND status = 'pending' AND (lease_until IS NULL OR lease_until < :now)")
                        .bind("node", node).bind("until", leaseUntil).bind("id", d[0]).bind("now", now).execute();
                Optional<Claimed> c = won == 1 ? load(h, d[0]) : Optional.empty();
                if (c.isPresent()) {
                    out.add(c.get());
                } else {
                    slots.release(d[1]);
                }
            }
            return out;
        });
    }

    private static Optional<Claimed> load(Handle h, String id) {
        return h.createQuery("SELECT d.id, d.event_id, ev.type, ev.body, ev.created_at, d.attempts, d.endpoint_id, e.url,"
                        + " e.secret FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id"
                        + " JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Claimed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getLong(5), rs.getInt(6), rs.getString(7), rs.getString(8), rs.getString(9)))
                .findOne();
    }

    /**
     * Records an attempt, reschedules or closes the delivery, and keeps the endpoint's failure run; all in one
     * transaction, and only while {@code node} still holds the lease.
     *
     * @param nextAttemptAt when to try again; null to give up (status failed). Ignored when delivered.
     * @param disable       asked with the endpoint's failure run after a failure: a reason to disable it, or null
     * @return false when the lease was lost (another node took the delivery over; nothing was written)
     */
    public boolean record(String node, Claimed c, Outcome o, long at, Long nextAttemptAt, DisablePolicy disable) {
        return jdbi.inTransaction(h -> {
            int attempt = c.attempts() + 1;
            String status = o.delivered() ? "delivered" : nextAttemptAt == null ? "failed" : "pending";
            int updated = h.createUpdate("UPDATE webhook_deliveries SET status = :status, attempts = :attempt,"
                            + " next_attempt_at = :next, lease_owner = NULL, lease_until = NULL"
                            + " WHERE id = :id AND lease_owner = :node")
                    .bind("status", status).bind("attempt", attempt)
                    .bind("next", o.delivered() || nextAttemptAt == null ? at : nextAttemptAt)
                    .bind("id", c.id()).bind("node", node).execute();
            if (updated != 1) {
                return false;
            }
            h.createUpdate("INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, event_id, event_type, attempt,"
                            + " attempted_at, outcome, response_status, error, duration_ms, node) VALUES (:id, :delivery,"
                            + " :endpoint, :event, :type, :attempt, :at, :outcome, :rs, :error, :ms, :node)")
                    .bind("id", UUID.randomUUID().toString()).bind("delivery", c.id()).bind("endpoint", c.endpointId())
                    .bind("event", c.eventId()).bind("type", c.eventType()).bind("attempt", attempt).bind("at", at)
                    .bind("outcome", o.delivered() ? "delivered" : "failed").bind("rs", o.status())
                    .bind("error", o.error() == null ? null : truncate(o.error(), 500)).bind("ms", o.durationMs())
                    .bind("node", node).execute();
            if (o.delivered()) {
                h.createUpdate("UPDATE webhook_endpoints SET consecutive_failures = 0, failing_since = NULL WHERE id = :id")
                        .bind("id", c.endpointId()).execute();
            } else {
                h.createUpdate("UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1,"
                                + " failing_since = COALESCE(failing_since, :at) WHERE id = :id")
                        .bind("id", c.endpointId()).bind("at", at).execute();
                var run = h.createQuery("SELECT consecutive_failures, failing_since FROM webhook_endpoints"
                                + " WHERE id = :id AND disabled_at IS NULL")
                        .bind("id", c.endpointId()).map((rs, ctx) -> new long[]{rs.getInt(1), rs.getLong(2)}).findOne();
                if (run.isPresent()) {
                    String reason = disable.reason((int) run.get()[0], run.get()[1], at, o);
                    if (reason != null) {
                        h.createUpdate("UPDATE webhook_endpoints SET disabled_at = :at, disabled_reason = :reason WHERE id = :id")
                                .bind("at", at).bind("reason", truncate(reason, 1000)).bind("id", c.endpointId()).execute();
                    }
                }
            }
            return true;
        });
    }

    /** The endpoint's most recent attempts, newest first, with the state of each attempt's delivery. */
    public List<WebhookAttempt> attempts(String endpointId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT a.*, d.status AS delivery_status, d.next_attempt_at"
                        + " FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id"
                        + " WHERE a.endpoint_id = :e ORDER BY a.attempted_at DESC, a.attempt DESC LIMIT :limit")
                .bind("e", endpointId).bind("limit", limit)
                .map((rs, ctx) -> {
                    int st = rs.getInt("response_status");
                    Integer status = rs.wasNull() ? null : st;
                    String ds = rs.getString("delivery_status");
                    return new WebhookAttempt(rs.getString("id"), rs.getString("delivery_id"), rs.getString("event_id"),
                            rs.getString("event_type"), rs.getInt("attempt"), rs.getLong("attempted_at"),
                            rs.getString("outcome"), status, rs.getString("error"), rs.getLong("duration_ms"), ds,
                            "pending".equals(ds) ? rs.getLong("next_attempt_at") : null);
                }).list());
    }

    /** Per-endpoint concurrency of one dispatcher. */
    public interface EndpointSlots {
        boolean reserve(String endpointId);

        void release(String endpointId);
    }

    /** Decides, after a failed attempt, whether the endpoint's run of failures is long enough to disable it. */
    @FunctionalInterface
    public interface DisablePolicy {
        String reason(int consecutiveFailures, long failingSince, long now, Outcome last);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
