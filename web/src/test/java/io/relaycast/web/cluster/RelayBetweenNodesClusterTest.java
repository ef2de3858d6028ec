package io.relaycast.web.cluster;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.LocalPublication;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.ingest.LocalOffer;
import io.relaycast.sfu.relay.RelayGrant;
import io.relaycast.sfu.relay.RelayKeys;
import io.relaycast.sfu.relay.RelayRequest;
import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.web.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The relay between two real servers on one PostgreSQL and the local Redis (the cluster's Redis node registry):
 * {@code POST /internal/v1/relays} refuses a missing, malformed, foreign or expired credential and a
 * stream that is not live; a viewer joining on the edge makes the edge ask the origin over HTTP and receive the
 * stream's packets over the relay.
 */
public class RelayBetweenNodesClusterTest {
    private static final String SECRET = "relay-secret-for-tests-relay-secret-for-tests";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String cluster = "relay-test-" + java.util.UUID.randomUUID();
    private TestServer origin;
    private TestServer edge;

    @BeforeClass
    public void start() {
        origin = TestServer.start(config("node-a"));
        edge = TestServer.start(config("node-b"));
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (edge != null) {
            edge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    private Map<String, Object> config(String nodeId) {
        return TestServer.clusterNode(cluster, nodeId, SECRET, "1s");
    }

    private HttpResponse<String> post(byte[] body, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(origin.baseUrl() + RelayRoutes.PATH))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String code(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("code").asText();
    }

    private static RelayTokens tokens(String secret, Instant now) {
        return new RelayTokens(secret.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30),
                Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    public void badOrMissingCredentialsAndStreamsThatAreNotLiveAreRefused() throws Exception {
        String streamId = "live-" + System.nanoTime();
        LocalPublication publication = publishOnOrigin(streamId);
        try {
            byte[] body = new RelayRequest(streamId, "node-b", RelayKeys.nonce()).toJson();
            HttpResponse<String> r = post(body, null);
            assertEquals(r.statusCode(), 401, r.body());
            assertEquals(code(r), "UNAUTHENTICATED");
            r = post(body, "Bearer " + SECRET);
            assertEquals(r.statusCode(), 401, "not a node credential: " + r.body());
            r = post(body, tokens("an-outsider-guessing-secrets-an-outsider", Instant.now()).sign("node-b", body));
            assertEquals(r.statusCode(), 403, "an outsider's signature: " + r.body());
            r = post(body, tokens(SECRET, Instant.now()).sign("node-c", body));
            assertEquals(r.statusCode(), 403, "signed for another node than the body names: " + r.body());
            r = post(body, tokens(SECRET, Instant.now().minusSeconds(3600)).sign("node-b", body));
            assertEquals(r.statusCode(), 401, "expired: " + r.body());
            assertEquals(code(r), "TOKEN_EXPIRED");
            byte[] other = new RelayRequest("other", "node-b", RelayKeys.nonce()).toJson();
            r = post(other, tokens(SECRET, Instant.now()).sign("node-b", body));
            assertEquals(r.statusCode(), 403, "a token is bound to its body: " + r.body());
            r = post("{\"streamId\":1}".getBytes(StandardCharsets.UTF_8), tokens(SECRET, Instant.now()).sign("node-b", body));
            assertEquals(r.statusCode(), 400, r.body());
            byte[] notLive = new RelayRequest("nobody-publishes-this", "node-b", RelayKeys.nonce()).toJson();
            r = post(notLive, tokens(SECRET, Instant.now()).sign("node-b", notLive));
            assertEquals(r.statusCode(), 409, r.body());
            assertEquals(code(r), "STREAM_NOT_LIVE");
            assertTrue(origin.server.relaying().origin().debugState(streamId).isEmpty(), "no relay was opened by any of these");

            // the same request, properly signed: a grant (no key in it) the edge can read
            r = post(body, tokens(SECRET, Instant.now()).sign("node-b", body));
            assertEquals(r.statusCode(), 200, r.body());
            RelayGrant grant = RelayGrant.parse(r.body().getBytes(StandardCharsets.UTF_8));
            assertEquals(grant.streamId(), streamId);
            assertEquals(grant.host(), "127.0.0.1", "the origin's media host (relaycast.cluster.media-host)");
            assertTrue(grant.tracks().video() != null && grant.tracks().audio() != null);
            assertTrue(!r.body().toLowerCase().contains("key"), "no key material in the answer: " + r.body());
        } finally {
            publication.close();
        }
    }

    @Test
    public void aViewerOnTheEdgeMakesItPullTheStreamFromTheOrigin() throws Exception {
        String streamId = "relayed-" + System.nanoTime();
        LocalPublication publication = publishOnOrigin(streamId);
        try {
            // what the stream's lifecycle does when its publisher attaches (ClusterStreams.onPublisherAttached)
            origin.server.cluster().registry().setOrigin(streamId);
            await(() -> edge.server.cluster().registry().origin(streamId).isPresent(), "node-b sees node-a as origin");
            MediaPlane edgePlane = edge.server.media();
            assertTrue(edgePlane.isPublished(streamId), "the cluster's view: published on node-a");
            String offer = edgePlane.subscribe(streamId, "viewer-1", new NoCandidates());
            assertTrue(offer.contains("m=audio") && offer.contains("m=video"), offer);
            assertTrue(edge.server.relaying().edge().isRelayed(streamId));
            assertEquals(origin.server.relaying().origin().debugState(streamId).size(), 1, "one relay to node-b");
            await(() -> String.valueOf(origin.server.relaying().origin().debugState(streamId).get(0).get("edge"))
                    .contains("127.0.0.1"), "the origin heard the edge");

            byte[] packet = new byte[12 + 40 + 64];
            for (int seq = 0; seq < 50; seq++) {
                packet[0] = (byte) 0x80;
                packet[1] = (byte) LocalOffer.OPUS_PAYLOAD_TYPE;
                BigEndian.put16(packet, 2, seq);
                BigEndian.put32(packet, 4, 960L * seq);
                BigEndian.put32(packet, 8, 11);
                publication.sendRtp(packet, 0, 52);
                Thread.sleep(2);
            }
            await(() -> received(streamId) >= 50, "the edge received the origin's packets over the relay");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> relays = (List<Map<String, Object>>) origin.server.media()
                    .mediaStats(streamId).get("relays");
            assertEquals(((Number) relays.get(0).get("packetsSent")).longValue(), 50L, "the origin's counter");

            edgePlane.close(streamId, "viewer-1"); // the last viewer: the relay closes after the 1 s grace
            await(() -> !edge.server.relaying().edge().isRelayed(streamId), "closed after the grace period");
            await(() -> origin.server.relaying().origin().debugState(streamId).isEmpty(), "and freed on the origin");
        } finally {
            publication.close();
            origin.server.cluster().registry().clearOrigin(streamId);
        }
    }

    @Test
    public void aViewerOfAStreamNobodyPublishesIsRefusedAsBefore() {
        try {
            edge.server.media().subscribe("nobody-" + System.nanoTime(), "v", new NoCandidates());
            throw new AssertionError("subscribed to nothing");
        } catch (MediaException e) {
            assertEquals(e.code(), "NOT_PUBLISHED");
        }
    }

    private long received(String streamId) {
        Map<String, Object> stats = edge.server.media().mediaStats(streamId);
        Object from = stats == null ? null : stats.get("relayedFrom");
        return from == null ? 0 : ((Number) ((Map<?, ?>) from).get("packetsReceived")).longValue();
    }

    private LocalPublication publishOnOrigin(String streamId) throws MediaException {
        return origin.server.media().publishLocal(streamId, "pub", LocalOffer.opusAndH264(11, 22, "42e01f", null),
                new NoCandidates());
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out: " + what);
            Thread.sleep(20);
        }
    }

    private static final class NoCandidates implements MediaPlane.CandidateSink {
        @Override
        public void onLocalCandidate(IceCandidate candidate) {
        }
    }
}
