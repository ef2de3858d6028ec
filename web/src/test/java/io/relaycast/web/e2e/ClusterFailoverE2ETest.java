package io.relaycast.web.e2e;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.sfu.Sfu;
import io.relaycast.signaling.gateway.Events;
import io.relaycast.signaling.gateway.SocketClient;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.cluster.ClusterMediaPlane;
import io.relaycast.web.e2e.WatchRejoinBrowserTest.Forwarder;
import io.relaycast.web.net.NetworkNamespace;
import io.relaycast.web.net.RateCap;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Issue 15's failure and "everything follows the stream" proof on three nodes in one JVM (one PostgreSQL, the local
 * Redis, a cluster name of this run), a Chromium broadcaster on node A, viewers on the edges B and C: chat crosses
 * between a viewer on B and one on C; ending the stream on A reaches the viewers on B and C; and, last because it
 * kills a node, the real watch page on B, reached through two TCP forwarders standing for the load balancer (one
 * for HTTP, one for Socket.IO), plays again on C within 10 s of node B dying: its socket reconnects through the
 * balancer (now sending to C), the SDK player joins again, C opens a relay from A and the page decodes video on a
 * new peer connection. Then a viewer of C inside a network namespace of ours, on automatic quality, is moved below
 * the top simulcast layer by a bandwidth cap on its link, as on the origin.
 */
public class ClusterFailoverE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(30);
    /** Issue 15: a dead node's viewers play again on another node within this, counted from the kill. */
    private static final long RECOVERY_BOUND_MS = 10_000;
    private static final String SECRET = "e2e-failover-secret-e2e-failover-secret-e2e";
    private static final String FRAMES = "window.watch.pc.getStats().then(r => { let f = 0; r.forEach(s => {"
            + " if (s.type === 'inbound-rtp' && s.kind === 'video') f += s.framesDecoded || 0; }); return f; })";

    private final String cluster = "failover-e2e-" + java.util.UUID.randomUUID();
    private E2eSite site;
    /** A viewer of node C inside a network namespace of ours, whose link a bandwidth cap can squeeze. */
    private NetworkNamespace ns;
    private E2eSite insideSite;
    private Browser inside;
    private Forwarder httpBalancer;
    private Forwarder socketBalancer;
    private TestServer a;
    private TestServer b;
    private TestServer c;
    private Browser publisher;
    private Browser browser;
    private String owner;

    private TestServer node(String id) {
        Map<String, Object> o = TestServer.clusterNode(cluster, id, SECRET, "2s");
        String balancerOrigin = "http://127.0.0.1:" + httpBalancer.port();
        List<String> origins = List.of(site.origin(), balancerOrigin, insideSite.origin());
        o.put("relaycast.signaling.cors-allowed-origins", origins);
        o.put("relaycast.http.cors-allowed-origins", origins);
        // pages learn the Socket.IO URL from /api/v1/config/client: the balancer's, as behind a real one
        o.put("relaycast.signaling.public-url", "http://127.0.0.1:" + socketBalancer.port());
        if (id.equals("node-c")) {
            // node C also serves the viewer in the namespace: Socket.IO and host candidates on our side of its link
            o.put("relaycast.signaling.host", "0.0.0.0");
            o.put("relaycast.media.ice.bind-addresses", List.of("127.0.0.1", ns.hostAddress));
        }
        return TestServer.start(o);
    }

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        ns = NetworkNamespace.create();
        insideSite = E2eSite.start(InetAddress.getByName(ns.hostAddress));
        httpBalancer = new Forwarder(0); // targets are set once the nodes run
        socketBalancer = new Forwarder(0);
        a = node("node-a");
        b = node("node-b");
        c = node("node-c");
        httpBalancer.target = b.server.httpPort();
        socketBalancer.target = b.server.signalingPort();
        publisher = Browser.start(); // its own browser: a background window's capture may be throttled
        browser = Browser.start();
        owner = a.api.devUser("failover-owner")[0];
        inside = ns.startChromium();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        Teardown.closeAll(inside, browser, publisher, c, b, a, socketBalancer, httpBalancer, site, insideSite, ns);
    }

    private String newStream(String title) {
        JsonNode stream = a.api.post("/api/v1/streams", owner, Map.of("title", title)).expect(201);
        return stream.get("id").asText();
    }

    /** The simulcast broadcaster on node A, in the publisher's browser; returns its window. */
    private String publishOnA(String streamId) {
        return publishOnA(streamId, null);
    }

    /** {@link #publishOnA(String)} with publisher.html's per-layer caps ({@code maxKbps}, e.g. "100,250,1500"). */
    private String publishOnA(String streamId, String maxKbps) {
        String url = site.page("publisher.html", "streamId", streamId, "socket", a.socketUrl(), "token", owner,
                "simulcast", "1");
        String w = publisher.openWindow(maxKbps == null ? url : url + "&maxKbps=" + maxKbps);
        publisher.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'",
                CONNECT);
        return w;
    }

    private static String errorCode(JSONObject ack) {
        JSONObject e = ack.optJSONObject("error");
        return e == null ? null : e.optString("code");
    }

    @Test(priority = 1)
    public void chatCrossesBetweenViewersOnTwoEdges() throws Exception {
        String id = newStream("chat across edges");
        a.api.post("/api/v1/streams/" + id + "/start", owner, Map.of()).expect(200);
        try (SocketClient onB = SocketClient.connect(b.socketUrl(), b.api.devUser("chatter-b")[0]);
             SocketClient onC = SocketClient.connect(c.socketUrl(), c.api.devUser("chatter-c")[0])) {
            assertNull(errorCode(onB.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id))));
            assertNull(errorCode(onC.request(Events.JOIN_LIVESTREAM, Map.of("streamId", id))));
            JSONObject sent = onB.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "hello from B"));
            assertNull(errorCode(sent), sent.toString());
            onC.await(Events.CHAT_MESSAGE, m -> "hello from B".equals(m.optString("message")), 10_000);
            sent = onC.request(Events.CHAT_MESSAGE, Map.of("streamId", id, "message", "hello from C"));
            assertNull(errorCode(sent), sent.toString());
            onB.await(Events.CHAT_MESSAGE, m -> "hello from C".equals(m.optString("message")), 10_000);
        }
        a.api.post("/api/v1/streams/" + id + "/end", owner, Map.of()).expect(200);
    }

    @Test(priority = 2)
    public void endingTheStreamOnTheOriginReachesViewersOnEveryEdge() throws Exception {
        String id = newStream("ended everywhere");
        String pub = publishOnA(id);
        String onB = openViewer(b, id);
        String onC = openViewer(c, id);
        MediaChecks.assertAllDecoding(browser, List.of(onB, onC), 2000);
        a.api.post("/api/v1/streams/" + id + "/end", owner, Map.of()).expect(200);
        for (String w : List.of(onB, onC)) {
            browser.switchTo(w);
            browser.waitFor("state.ended === true", Duration.ofSeconds(10));
            browser.closeWindow(w);
        }
        publisher.closeWindow(pub);
    }

    private String openViewer(TestServer on, String streamId) {
        String w = browser.openWindow(site.page("viewer.html", "streamId", streamId, "socket", on.socketUrl(),
                "token", on.api.devUser("viewer")[0]));
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        return w;
    }

    @Test(priority = 3)
    public void killingNodeBMakesItsWatchPagePlayAgainOnC() throws Exception {
        String id = newStream("failover");
        String pub = publishOnA(id);
        String watch = browser.openWindow("http://127.0.0.1:" + httpBalancer.port() + "/watch/" + id);
        try {
            browser.waitFor("window.watch && window.watch.transport === 'webrtc'"
                    + " && window.watch.pc.connectionState === 'connected'", CONNECT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nwatch state: " + browser.eval("JSON.stringify(window.watch)"), e);
        }
        MediaChecks.assertAllDecoding(browser, List.of(watch), 2000, "watch.pc");
        assertTrue(b.server.relaying().edge().isRelayed(id), "the page watches on node B, relayed from A");
        assertTrue(!c.server.relaying().edge().isRelayed(id), "nobody watches on node C yet");
        browser.eval("(window.watch.pc.relaycastMarker = 'on B', window.pageMarker = 'same page')");

        long kill = System.nanoTime();
        b.close(); // node B dies
        long closed = System.nanoTime();
        // the balancer's health check takes B out: new connections go to C
        httpBalancer.target = c.server.httpPort();
        socketBalancer.target = c.server.signalingPort();
        long recovered = -1;
        long deadline = kill + Duration.ofSeconds(40).toNanos();
        String newPc = "window.watch.pc && window.watch.pc.relaycastMarker !== 'on B'"
                + " && window.watch.pc.connectionState === 'connected' && window.watchSocket.connected";
        long reconnected = -1;
        while (System.nanoTime() < deadline) {
            try {
                if (reconnected < 0 && Boolean.TRUE.equals(browser.eval("window.watch.reconnects >= 1"
                        + " && window.watchSocket.connected"))) {
                    reconnected = System.nanoTime();
                }
                if (Boolean.TRUE.equals(browser.eval("!!(" + newPc + ")"))
                        && ((Number) browser.eval(FRAMES)).longValue() > 0) {
                    recovered = System.nanoTime();
                    break;
                }
            } catch (RuntimeException e) {
                // a stats read while the player swaps its peer connection: ask again
            }
            Thread.sleep(100);
        }
        String state = (String) browser.eval("JSON.stringify(window.watch)");
        assertTrue(recovered > 0, "the watch page did not play again on node C in 40 s: " + state
                + "\nconsole:\n" + browser.consoleLog());
        long ms = (recovered - kill) / 1_000_000;
        System.out.printf("failover: node B killed -> watch page decoding on node C in %d ms (B's close took %d ms,"
                + " socket back after %d ms) (%s)%n", ms, (closed - kill) / 1_000_000,
                reconnected < 0 ? -1 : (reconnected - kill) / 1_000_000, state);
        assertTrue(ms <= RECOVERY_BOUND_MS, "recovered in " + ms + " ms, over " + RECOVERY_BOUND_MS + ": " + state);
        assertEquals(browser.eval("window.pageMarker"), "same page", "no page load");
        assertTrue(((Number) browser.eval("window.watch.reconnects")).intValue() >= 1, state);
        assertTrue(((Number) browser.eval("window.watch.rejoins")).intValue() >= 1, state);
        assertTrue(c.server.relaying().edge().isRelayed(id), "node C relays the stream from A for the page");
        // and keeps playing there
        MediaChecks.assertAllDecoding(browser, List.of(watch), 3000, "watch.pc");
        browser.closeWindow(watch);
        publisher.closeWindow(pub); // the machine's two cores for the next test
    }

    /**
     * A viewer on the edge C on automatic quality follows a bandwidth cap on its own link as on the origin: once it
     * decodes the top layer relayed from A, a tbf cap between the middle and the top layer's bitrates (as measured
     * by C's relayed room) moves it below the top layer. (MediaQualityE2ETest and SimulcastPlayerE2ETest prove the
     * way back up on one node; the edge's selector is the same code.)
     */
    @Test(priority = 4)
    public void aViewerOnAnEdgeFollowsACapOnItsLink() throws Exception {
        String id = newStream("capped on the edge");
        String pub = publishOnA(id, "100,250,1500");
        inside.open(insideSite.page("viewer.html", "streamId", id, "socket",
                "http://" + ns.hostAddress + ":" + c.server.signalingPort(), "token", c.api.devUser("capped")[0]));
        inside.waitFor("state.firstFrameMs !== undefined", CONNECT);
        StringBuilder trace = new StringBuilder();
        // the publisher's estimate ramps up before it sends the full top layer; cap only once the top layer is
        // well above the cap, with the viewer on it
        long[][] seen = new long[1][];
        until("the viewer on C settles on a full top layer", Duration.ofSeconds(45), () -> {
            long h = insideHeight();
            Map<String, Object> l = edgeViewerLayer(id);
            seen[0] = edgeLayerBitrates(id);
            trace.append("start: ").append(h).append(' ').append(l).append(' ')
                    .append(java.util.Arrays.toString(seen[0])).append('\n');
            long cap = (seen[0][1] + seen[0][2]) / 2000 + 48; // as below
            return h == 720 && ((Number) l.get("current")).intValue() == 2 && seen[0][1] > 0
                    && seen[0][2] / 1000 > cap * 12 / 10;
        }, trace);
        long[] bps = seen[0];
        // halfway between the middle and the top layer, plus the audio (~50 kbit/s with headers), as on the origin
        long capKbit = (bps[1] + bps[2]) / 2000 + 48;
        trace.append(String.format("layers on C %d / %d / %d kbit/s, cap %d kbit/s%n", bps[0] / 1000, bps[1] / 1000,
                bps[2] / 1000, capKbit));
        assertTrue(bps[2] / 1000 > capKbit * 12 / 10, "the top layer is too thin to be capped out: " + trace
                + "\nC's relayed publisher: " + edgeRoom(id).get("publisher"));
        long downMs;
        try (RateCap cap = RateCap.apply(ns, capKbit)) {
            long t0 = System.nanoTime();
            until("the cap moved the viewer on C below the top layer", Duration.ofSeconds(25), () -> {
                long h = insideHeight();
                Map<String, Object> l = edgeViewerLayer(id);
                trace.append("capped: ").append(h).append(' ').append(l).append('\n');
                return ((Number) l.get("current")).intValue() < 2 && h > 0 && h < 720;
            }, trace);
            downMs = (System.nanoTime() - t0) / 1_000_000;
        }
        System.out.printf("viewer on edge C, auto: layers %d / %d / %d kbit/s, cap %d kbit/s: down in %d ms%n",
                bps[0] / 1000, bps[1] / 1000, bps[2] / 1000, capKbit, downMs);
        // decoding resumes once the cap is gone; in one full-suite run (2026-12-03) the viewer stalled for more than
        // 3 s right after the lift (NACKs rising, 0 fps): allowed up to 10 s here, the stall noted as an open defect
        // (decision 291a)
        long resumeDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                MediaChecks.assertAllDecoding(inside, List.of(inside.currentWindow()), 2000);
                break;
            } catch (AssertionError e) {
                if (System.nanoTime() > resumeDeadline) {
                    throw e;
                }
            }
        }
        publisher.closeWindow(pub);
    }

    private long insideHeight() {
        return ((Number) inside.eval("pc.getStats().then(r => { let h = 0; r.forEach(s => {"
                + " if (s.type === 'inbound-rtp' && s.kind === 'video') h = s.frameHeight || 0; }); return h; })"))
                .longValue();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> edgeRoom(String id) {
        Sfu sfu = (Sfu) ((ClusterMediaPlane) c.server.media()).local();
        return (Map<String, Object>) ((Map<String, Object>) sfu.debugState().get("rooms")).get(id);
    }

    /** The simulcast state (current, target, quality) of the one viewer of node C's relayed room. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> edgeViewerLayer(String id) {
        Map<String, Object> subs = (Map<String, Object>) edgeRoom(id).get("subscribers");
        assertEquals(subs.size(), 1, "one viewer on C: " + subs.keySet());
        return (Map<String, Object>) ((Map<String, Object>) subs.values().iterator().next()).get("simulcast");
    }

    /** The bitrate of each video layer node C receives from the origin (bit/s), lowest first. */
    @SuppressWarnings("unchecked")
    private long[] edgeLayerBitrates(String id) {
        long[] bps = new long[3];
        Map<String, Object> pub = (Map<String, Object>) edgeRoom(id).get("publisher");
        for (Map<String, Object> source : (List<Map<String, Object>>) pub.get("sources")) {
            int layer = ((Number) source.get("layer")).intValue();
            if ("video".equals(source.get("kind")) && Boolean.FALSE.equals(source.get("rtx")) && layer >= 0 && layer < 3) {
                bps[layer] = Math.max(bps[layer], ((Number) source.get("bitrateBps")).longValue());
            }
        }
        return bps;
    }

    private static void until(String what, Duration limit, java.util.function.BooleanSupplier done,
                              StringBuilder trace) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, what + ": not after " + limit.toSeconds() + " s\n" + trace);
            Thread.sleep(500);
        }
    }
}
