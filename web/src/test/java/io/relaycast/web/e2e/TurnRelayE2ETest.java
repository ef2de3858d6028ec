package io.relaycast.web.e2e;

import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.WebRtcStats;
import io.relaycast.web.turn.Coturn;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Viewers that may only use TURN (iceTransportPolicy "relay", as behind a firewall that lets nothing else out)
 * watch the broadcast through a real coturn started with the shipped config, using the short-lived credentials
 * our API hands out in the join answer: the selected candidate pair is a relay pair, over UDP and over TCP.
 * coturn's config denies relays to loopback; this test allows exactly the SFU's address (127.0.0.1), which is
 * what an operator does for an SFU on a private address (config/turnserver.conf, allowed-peer-ip); for loopback
 * coturn also needs {@code --allow-loopback-peers}, which only this test sets.
 */
public class TurnRelayE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(30);
    private Coturn coturn;
    private E2eSite site;
    private TestServer server;
    private Browser browser;
    private String streamId;

    @BeforeClass
    public void start() throws Exception {
        String secret = UUID.randomUUID().toString();
        // the SFU listens on loopback in tests: coturn needs both its loopback-peer switch and the exact address
        coturn = Coturn.builder().secret(secret).arg("--allow-loopback-peers").arg("--allowed-peer-ip=127.0.0.1").start();
        site = E2eSite.start();
        Map<String, Object> o = new java.util.HashMap<>(site.corsOverrides());
        o.put("relaycast.ice.turn-server", "turn:127.0.0.1:" + coturn.port + "?transport=udp,turn:127.0.0.1:"
                + coturn.port + "?transport=tcp");
        o.put("relaycast.ice.turn-secret", secret);
        server = TestServer.start(o);
        browser = Browser.start();
        String owner = server.api.devUser("broadcaster")[0];
        streamId = server.api.post("/api/v1/streams", owner, Map.of("title", "through the relay")).expect(201).get("id").asText();
        browser.openWindow(site.page("publisher.html", "streamId", streamId, "socket", server.socketUrl(), "token", owner));
        browser.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
        if (site != null) {
            site.close();
        }
        if (coturn != null) {
            coturn.close();
        }
    }

    private void watchThroughRelay(String transport) throws InterruptedException {
        String token = server.api.devUser("firewalled viewer")[0];
        String window = browser.openWindow(site.page("viewer.html", "streamId", streamId, "socket", server.socketUrl(),
                "token", token, "relay", transport));
        try {
            browser.waitFor("state.iceServers && state.iceServers.length === 1 && pc.connectionState === 'connected'", CONNECT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\npage state: " + browser.eval("JSON.stringify(state)")
                    + "\nice: " + browser.eval("pc.iceConnectionState + ' ' + pc.iceGatheringState")
                    + "\ncoturn:\n" + coturn.log(), e);
        }
        Map<String, WebRtcStats> decoding = MediaChecks.assertAllDecoding(browser, List.of(window), 3000);
        WebRtcStats s = decoding.get(window);
        assertEquals(s.localCandidateType(), "relay", "the viewer's side of the selected pair is a TURN relay");
        Object protocol = browser.eval("(async () => { let p = null; const st = await pc.getStats();"
                + " st.forEach(r => { if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded')"
                + " { const l = st.get(r.localCandidateId); p = l && l.relayProtocol; } }); return p; })()");
        assertEquals(protocol, transport, "the browser reached coturn over " + transport);
        assertTrue(coturn.log().contains("session"), "coturn saw the allocation:\n" + coturn.log());
        browser.closeWindow(window);
    }

    @Test
    public void viewerOnlyAllowedTurnOverUdpWatchesThroughTheRelay() throws InterruptedException {
        watchThroughRelay("udp");
    }

    @Test(dependsOnMethods = "viewerOnlyAllowedTurnOverUdpWatchesThroughTheRelay")
    public void viewerOnlyAllowedTurnOverTcpWatchesThroughTheRelay() throws InterruptedException {
        watchThroughRelay("tcp");
    }
}
