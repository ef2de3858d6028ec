package io.relaycast.web.e2e;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Three nodes in one JVM on one PostgreSQL and the local Redis (the cluster's node registry): a Chromium
 * broadcaster publishes simulcast on node A; Chromium viewers join on node B (two) and node C (one) and decode video
 * and audio relayed from A; each edge receives every layer A receives; A sends one copy of the stream to each edge whatever its viewer count (its relay counters
 * against its room's forwarded packets); when the edges' viewers leave, the relays close after the grace period.
 */
public class ClusterRelayE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(25);
    private static final String SECRET = "e2e-relay-secret-e2e-relay-secret-e2e-relay";

    private final String cluster = "relay-e2e-" + java.util.UUID.randomUUID();
    private E2eSite site;
    private TestServer a;
    private TestServer b;
    private TestServer c;
    private Browser browser;
    private String ownerToken;
    private String streamId;
    private final List<String> viewers = new ArrayList<>();

    private TestServer node(String id) {
        Map<String, Object> o = TestServer.clusterNode(cluster, id, SECRET, "2s");
        o.putAll(site.corsOverrides());
        return TestServer.start(o);
    }

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        a = node("node-a");
        b = node("node-b");
        c = node("node-c");
        browser = Browser.start();
        ownerToken = a.api.devUser("broadcaster")[0];
        JsonNode stream = a.api.post("/api/v1/streams", ownerToken, Map.of("title", "relayed to two edges"))
                .expect(201);
        streamId = stream.get("id").asText();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (browser != null) {
            browser.close();
        }
        for (TestServer s : new TestServer[]{c, b, a}) {
            if (s != null) {
                s.close();
            }
        }
        if (site != null) {
            site.close();
        }
    }

    private String openViewer(TestServer on) {
        String token = on.api.devUser("viewer")[0];
        String w = browser.openWindow(site.page("viewer.html", "streamId", streamId, "socket", on.socketUrl(),
                "token", token));
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        return w;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> relaysByEdge() {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (Map<String, Object> r : a.server.relaying().origin().debugState(streamId)) {
            out.put((String) r.get("edgeNode"), r);
        }
        return out;
    }

    private long forwardedOnOrigin() {
        return ((Number) a.server.media().mediaStats(streamId).get("packetsForwarded")).longValue();
    }

    private static long sent(Map<String, Object> relay) {
        return ((Number) relay.get("packetsSent")).longValue();
    }

    @Test
    public void viewersOnTwoEdgesDecodeFromOneCopyPerEdge() throws Exception {
        browser.openWindow(site.page("publisher.html", "streamId", streamId, "socket", a.socketUrl(),
                "token", ownerToken, "simulcast", "1"));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'",
                CONNECT);
        viewers.add(openViewer(b));
        viewers.add(openViewer(b));
        viewers.add(openViewer(c));
        MediaChecks.assertAllDecoding(browser, viewers, 3000);
        Map<String, Map<String, Object>> relays = relaysByEdge();
        assertEquals(relays.keySet(), java.util.Set.of("node-b", "node-c"), "one relay per edge: " + relays);

        long forwarded0 = forwardedOnOrigin();
        Map<String, Map<String, Object>> r0 = relaysByEdge();
        Map<Integer, Long> a0 = layerPackets(a);
        Map<Integer, Long> b0 = layerPackets(b);
        Map<Integer, Long> c0 = layerPackets(c);
        Thread.sleep(4000);
        long forwarded = forwardedOnOrigin() - forwarded0;
        Map<String, Map<String, Object>> r1 = relaysByEdge();
        // every simulcast layer the browser sends reaches each edge (the relay selects none); over the same window,
        // since the browser may pause a layer (its CPU or bandwidth adaptation)
        Set<Integer> sent = layersGrown(a0, layerPackets(a));
        Set<Integer> toBLayers = layersGrown(b0, layerPackets(b));
        Set<Integer> toCLayers = layersGrown(c0, layerPackets(c));
        System.out.println("simulcast layers with packets in 4 s: origin " + sent + ", node-b " + toBLayers
                + ", node-c " + toCLayers);
        assertTrue(sent.size() >= 2, "the broadcaster sends simulcast: " + sent);
        assertEquals(toBLayers, sent, "node-b gets every layer the origin gets");
        assertEquals(toCLayers, sent, "node-c gets every layer the origin gets");
        long toB = sent(r1.get("node-b")) - sent(r0.get("node-b"));
        long toC = sent(r1.get("node-c")) - sent(r0.get("node-c"));
        System.out.printf("in 4 s the origin forwarded %d packets; relayed %d to node-b (2 viewers), %d to node-c "
                + "(1 viewer)%n", forwarded, toB, toC);
        assertTrue(forwarded > 200, "the publisher sends: " + forwarded);
        // every packet once per edge (the reads are not atomic: a few packets either way)
        assertTrue(Math.abs(toB - forwarded) <= forwarded / 20 + 10, "node-b: " + toB + " of " + forwarded);
        assertTrue(Math.abs(toC - forwarded) <= forwarded / 20 + 10, "node-c: " + toC + " of " + forwarded);

        for (String w : viewers) {
            browser.switchTo(w);
            browser.eval("leave()");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!relaysByEdge().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "relays still open after the grace: " + relaysByEdge());
            Thread.sleep(200);
        }
        assertTrue(!b.server.relaying().edge().isRelayed(streamId) && !c.server.relaying().edge().isRelayed(streamId));
    }

    /** Video packets received per simulcast layer (0 = lowest) by the stream's publisher on {@code node}. */
    @SuppressWarnings("unchecked")
    private Map<Integer, Long> layerPackets(TestServer node) {
        Map<Integer, Long> layers = new HashMap<>();
        Map<String, Object> publisher = (Map<String, Object>) node.server.media().mediaStats(streamId).get("publisher");
        for (Map<String, Object> source : (List<Map<String, Object>>) publisher.get("sources")) {
            if ("video".equals(source.get("kind")) && Boolean.FALSE.equals(source.get("rtx"))) {
                layers.merge(((Number) source.get("layer")).intValue(), ((Number) source.get("packets")).longValue(),
                        Long::sum);
            }
        }
        return layers;
    }

    private static Set<Integer> layersGrown(Map<Integer, Long> before, Map<Integer, Long> after) {
        Set<Integer> grown = new TreeSet<>();
        after.forEach((layer, n) -> {
            if (n > before.getOrDefault(layer, 0L)) {
                grown.add(layer);
            }
        });
        return grown;
    }
}
