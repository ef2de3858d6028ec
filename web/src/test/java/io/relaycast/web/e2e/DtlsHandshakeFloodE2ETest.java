package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.sfu.Sfu;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Issue 11, item 2: 72 viewers from one address complete ICE, each send one DTLS ClientHello and go silent (the
 * handshake timeout here is the old 30 s, so they stall for the whole test). Then a real Chromium viewer joins
 * the broadcast and must decode: the flood takes its source's share of the handshake threads, not the node's.
 * Before the fix the 65th handshake was refused and every new viewer and publisher with it.
 */
public class DtlsHandshakeFloodE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(20);
    private static final int SILENT_PEERS = 72;
    private static final int PER_ADDRESS = 8;

    private E2eSite site;
    private TestServer server;
    private Sfu sfu;
    private Browser browser;
    private final List<SilentDtlsPeer> attackers = new ArrayList<>();

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        Map<String, Object> o = new java.util.HashMap<>(site.corsOverrides());
        o.put("relaycast.media.dtls.handshake-timeout", "30s");
        o.put("relaycast.media.dtls.max-handshakes-per-address", PER_ADDRESS);
        o.put("relaycast.viewers.join-rate-limit.joins", 1000); // WHEP joins of the attacker: not this test's limit
        o.put("relaycast.peers.max-per-address", 1000); // nor is the peer limit (PeerLimitsTest covers it)
        server = TestServer.start(o);
        sfu = (Sfu) server.server.media();
        browser = Browser.start();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        attackers.forEach(SilentDtlsPeer::close);
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (site != null) {
            site.close();
        }
    }

    private int running() {
        return (Integer) sfu.debugState().get("dtlsHandshakesRunning");
    }

    private int refused() {
        return (Integer) sfu.debugState().get("dtlsHandshakesRefused");
    }

    @Test
    public void silentClientHellosFromOneSourceDoNotKeepAViewerOut() throws Exception {
        String owner = server.api.devUser("flooded-host")[0];
        JsonNode stream = server.api.post("/api/v1/streams", owner, Map.of("title", "under attack")).expect(201);
        String id = stream.get("id").asText();
        browser.openWindow(site.page("whip.html", "whip", server.baseUrl() + "/whip/" + id,
                "key", stream.get("streamKey").asText()));
        try {
            browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
        } catch (AssertionError e) {
            throw new AssertionError("publisher did not connect; SFU: " + sfu.debugState(), e);
        }

        // the attack: another loopback address than the browser's 127.0.0.1 (one source, many ports)
        InetAddress source = InetAddress.getByName("127.0.0.2");
        ExecutorService ice = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < SILENT_PEERS; i++) {
                SilentDtlsPeer peer = new SilentDtlsPeer(source);
                attackers.add(peer);
                done.add(ice.submit(() -> {
                    peer.connect(server.api, id, 30_000);
                    Thread.sleep(300); // the SFU sees its pair selected
                    peer.sendClientHello();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            ice.shutdownNow();
        }
        long floodDone = System.nanoTime();
        long until = System.currentTimeMillis() + 10_000;
        while (running() < PER_ADDRESS && System.currentTimeMillis() < until) {
            Thread.sleep(50);
        }
        int stalled = running();
        System.out.printf("DTLS flood: %d silent ClientHellos, %d handshakes held, %d refused%n", SILENT_PEERS,
                stalled, refused());
        assertEquals(stalled, PER_ADDRESS, "the source holds exactly its share of handshake threads");
        // (a ClientHello that raced its pair's selection is dropped before it reaches the pool, hence not all)
        assertTrue(refused() >= SILENT_PEERS / 2, "the rest waits for a retransmission: " + refused());

        // a real viewer now: it must connect and decode while the flood's handshakes are still stalled
        String viewer = browser.openWindow(site.page("whep.html", "whep", server.baseUrl() + "/whep/" + id));
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        double firstFrame = ((Number) browser.eval("state.firstFrameMs")).doubleValue();
        long sinceFlood = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - floodDone);
        System.out.printf("viewer during the flood: first frame after %.0f ms (%d ms after the flood)%n", firstFrame, sinceFlood);
        assertTrue(sinceFlood < 30_000, "measured while the silent handshakes were still held (" + sinceFlood + " ms)");
        MediaChecks.assertAllDecoding(browser, List.of(viewer), 2000);
    }
}
