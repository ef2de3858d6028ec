package io.relaycast.signaling.webhook;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.stream.StreamStatus;
import io.relaycast.signaling.testing.OnBothEngines;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Factory;
import org.testng.annotations.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.relaycast.signaling.testing.Services.titled;
import static io.relaycast.signaling.testing.Services.user;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

/** The outbox and the lease over a real database, on PostgreSQL and on H2. */
public class WebhookOutboxTest extends OnBothEngines {
    private WebhookOutbox outbox;
    private WebhookEndpointRepository endpoints;
    private DeliveryRepository deliveries;
    private final Principal admin = new Principal("admin-1", "Admin", Set.of(Principal.ADMIN));
    private static final DeliveryRepository.EndpointSlots UNLIMITED = new DeliveryRepository.EndpointSlots() {
        @Override
        public boolean reserve(String endpointId) {
            return true;
        }

        @Override
        public void release(String endpointId) {
        }
    };

    @Factory(dataProvider = "engines", dataProviderClass = OnBothEngines.class)
    public WebhookOutboxTest(String engine) {
        super(engine);
    }

    @BeforeClass(dependsOnMethods = "open")
    public void wire() {
        var jdbi = s.db.jdbi();
        outbox = new WebhookOutbox(jdbi);
        endpoints = new WebhookEndpointRepository(jdbi);
        deliveries = new DeliveryRepository(jdbi);
        s.streams.useOutbox(outbox);
    }

    private String endpoint(List<String> events) {
        WebhookEndpoint e = new WebhookEndpoint("we_" + java.util.UUID.randomUUID(), "http://example.org/hook", events,
                WebhookSigner.newSecret(), admin.userId(), s.clock.millis(), 0, null, null, null);
        endpoints.insert(e);
        return e.id();
    }

    private int count(String sql, String id) {
        return s.db.jdbi().withHandle(h -> h.createQuery(sql).bind("id", id).mapTo(Integer.class).one());
    }

    @Test
    public void aTransitionWritesItsEventForSubscribedEndpointsOnly() {
        String started = endpoint(List.of("stream.started"));
        String ended = endpoint(List.of("stream.ended"));
        Principal owner = user("Owner");
        String id = s.streams.create(owner, titled("Outbox")).stream().id();
        s.streams.start(owner, id);
        assertEquals(count("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = :id", started), 1);
        assertEquals(count("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = :id", ended), 0);
        String body = s.db.jdbi().withHandle(h -> h.createQuery("SELECT e.body FROM webhook_events e JOIN webhook_deliveries d"
                + " ON d.event_id = e.id WHERE d.endpoint_id = :id").bind("id", started).mapTo(String.class).one());
        assertTrue(body.contains("\"type\":\"stream.started\"") && body.contains("\"streamId\":\"" + id + "\""), body);
        s.streams.end(owner, id);
        assertEquals(count("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = :id", ended), 1);
        endpoints.delete(started);
        endpoints.delete(ended);
    }

    @Test
    public void theStatusChangeAndItsEventCommitOrRollBackTogether() {
        String ep = endpoint(List.of("stream.started"));
        Principal owner = user("Owner");
        String id = s.streams.create(owner, titled("Atomic")).stream().id();
        int eventsBefore = count("SELECT COUNT(*) FROM webhook_events WHERE :id = :id", "x");
        expectThrows(IllegalStateException.class, () -> s.streamRepository.transition(id, StreamStatus.SCHEDULED,
                StreamStatus.LIVE, "started_at", s.clock.millis(), h -> {
                    outbox.append(h, WebhookEventType.STREAM_STARTED, Map.of("streamId", id), s.clock.millis());
                    throw new IllegalStateException("the outbox write failed");
                }));
        assertEquals(s.streams.require(id).status(), StreamStatus.SCHEDULED, "the status change rolled back");
        assertEquals(count("SELECT COUNT(*) FROM webhook_events WHERE :id = :id", "x"), eventsBefore, "and so did the event");
        // a transition that does not happen (wrong from-state) writes no event either
        assertFalse(s.streamRepository.transition(id, StreamStatus.LIVE, StreamStatus.ENDED, "ended_at", s.clock.millis(),
                h -> outbox.append(h, WebhookEventType.STREAM_ENDED, Map.of("streamId", id), s.clock.millis())));
        assertEquals(count("SELECT COUNT(*) FROM webhook_events WHERE :id = :id", "x"), eventsBefore);
        endpoints.delete(ep);
    }

    @Test
    public void aLeaseLetsOneNodeAtATimeOwnADelivery() {
        String ep = endpoint(List.of("viewer.milestone"));
        long now = s.clock.millis();
        outbox.append(WebhookEventType.VIEWER_MILESTONE, Map.of("streamId", "s-lease", "viewers", 100), now);
        List<DeliveryRepository.Claimed> a = deliveries.claimDue("node-a", now, now + 60_000, 10, UNLIMITED);
        a.removeIf(c -> !c.endpointId().equals(ep));
        assertEquals(a.size(), 1);
        assertTrue(deliveries.claimDue("node-b", now + 1, now + 60_001, 10, UNLIMITED).stream()
                .noneMatch(c -> c.endpointId().equals(ep)), "leased to node-a");
        // node-a went silent; after its lease node-b takes over, and node-a's late answer is not recorded
        List<DeliveryRepository.Claimed> b = deliveries.claimDue("node-b", now + 60_001, now + 120_000, 10, UNLIMITED);
        b.removeIf(c -> !c.endpointId().equals(ep));
        assertEquals(b.size(), 1);
        assertEquals(b.get(0).eventId(), a.get(0).eventId(), "the same webhook-id");
        var ok = new DeliveryRepository.Outcome(true, 200, null, 5);
        assertFalse(deliveries.record("node-a", a.get(0), ok, now + 60_002, null, (f, since, t, o) -> null));
        assertTrue(deliveries.record("node-b", b.get(0), ok, now + 60_003, null, (f, since, t, o) -> null));
        assertEquals(deliveries.attempts(ep, 10).size(), 1, "one attempt logged");
        assertTrue(deliveries.claimDue("node-c", now + 500_000, now + 600_000, 10, UNLIMITED).stream()
                .noneMatch(c -> c.endpointId().equals(ep)), "delivered: never claimed again");
        endpoints.delete(ep);
    }

    @Test
    public void aFinishedRecordingWritesRecordingReadyOrFailed() {
        String ep = endpoint(List.of("recording.ready", "recording.failed"));
        Principal owner = user("Owner");
        String stream = s.streams.create(owner, titled("Recorded")).stream().id();
        var recordings = new io.relaycast.signaling.recording.RecordingRepository(s.db.jdbi());
        recordings.useOutbox(outbox);
        String ok = java.util.UUID.randomUUID().toString();
        String bad = java.util.UUID.randomUUID().toString();
        for (String r : List.of(ok, bad)) {
            recordings.insert(new io.relaycast.signaling.recording.Recording(r, stream, "recording", null, null, null, null,
                    null, s.clock.millis(), null, null));
        }
        recordings.finish(ok, "ready", "/data/r.mp4", "mp4", 61_000L, 1234L, null, s.clock.millis(), null);
        recordings.finish(bad, "failed", null, null, null, null, null, s.clock.millis(), "disk full");
        List<String> bodies = s.db.jdbi().withHandle(h -> h.createQuery("SELECT e.body FROM webhook_events e JOIN webhook_deliveries d"
                + " ON d.event_id = e.id WHERE d.endpoint_id = :id ORDER BY e.type DESC").bind("id", ep).mapTo(String.class).list());
        assertEquals(bodies.size(), 2, bodies.toString());
        assertTrue(bodies.get(0).contains("\"type\":\"recording.ready\"") && bodies.get(0).contains("\"recordingId\":\"" + ok + "\"")
                && bodies.get(0).contains("\"durationMs\":61000") && bodies.get(0).contains("\"streamId\":\"" + stream + "\""), bodies.get(0));
        assertTrue(bodies.get(1).contains("\"type\":\"recording.failed\"") && bodies.get(1).contains("disk full"), bodies.get(1));
        endpoints.delete(ep);
    }

    @Test
    public void disabledEndpointsGetNoNewDeliveries() {
        String ep = endpoint(List.of("sale.recorded"));
        s.db.jdbi().useHandle(h -> h.createUpdate("UPDATE webhook_endpoints SET disabled_at = 1, disabled_reason = 'x' WHERE id = :id")
                .bind("id", ep).execute());
        outbox.append(WebhookEventType.SALE_RECORDED, Map.of("streamId", "s"), s.clock.millis());
        assertEquals(count("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = :id", ep), 0);
        endpoints.delete(ep);
    }
}
