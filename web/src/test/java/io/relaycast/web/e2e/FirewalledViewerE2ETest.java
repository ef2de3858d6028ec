package io.relaycast.web.e2e;

import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.WebRtcStats;
import io.relaycast.web.net.NetworkNamespace;
import io.relaycast.web.turn.Coturn;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * A viewer behind an enterprise firewall: its Chromium runs in a network namespace of ours where every UDP packet
 * is dropped and TCP may only reach our web, Socket.IO and TURN ports. It still watches over WebRTC: the join
 * answer gives it TURN over TCP, coturn relays to the SFU. The broadcaster publishes normally from outside.
 */
public class FirewalledViewerE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(40);
    private NetworkNamespace ns;
    private Coturn coturn;
    private E2eSite site;
    /** The broadcaster's pages on loopback: getUserMedia needs a secure context, which 10.231.N.1 is not. */
    private E2eSite publisherSite;
    private TestServer server;
    private Browser outside;
    private Browser inside;
    private String streamId;

    @BeforeClass
    public void start() throws Exception {
        ns = NetworkNamespace.create();
        String secret = UUID.randomUUID().toString();
        coturn = Coturn.builder().secret(secret).arg("--listening-ip=" + ns.hostAddress)
                .arg("--allow-loopback-peers").arg("--allowed-peer-ip=127.0.0.1").start();
        site = E2eSite.start(InetAddress.getByName(ns.hostAddress));
        publisherSite = E2eSite.start();
        Map<String, Object> o = new HashMap<>(site.corsOverrides());
        for (String key : List.of("relaycast.signaling.cors-allowed-origins", "relaycast.http.cors-allowed-origins")) {
            o.put(key, List.of(site.origin(), publisherSite.origin()));
        }
        o.put("relaycast.http.host", "0.0.0.0");
        o.put("relaycast.signaling.host", "0.0.0.0");
        o.put("relaycast.ice.turn-server", "turn:" + ns.hostAddress + ":" + coturn.port + "?transport=udp,turn:"
                + ns.hostAddress + ":" + coturn.port + "?transport=tcp");
        o.put("relaycast.ice.turn-secret", secret);
        server = TestServer.start(o);
        int socketPort = server.server.signalingPort();
        ns.firewall(coturn.port, server.server.httpPort(), socketPort, Integer.parseInt(site.origin().replaceAll(".*:", "")));
        inside = ns.startChromium();

        outside = Browser.start();
        String owner = server.api.devUser("broadcaster")[0];
        streamId = server.api.post("/api/v1/streams", owner, Map.of("title", "to the office")).expect(201).get("id").asText();
        outside.openWindow(publisherSite.page("publisher.html", "streamId", streamId,
                "socket", server.socketUrl(), "token", owner));
        outside.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        Teardown.closeAll(inside, outside, server, site, publisherSite, coturn, ns);
    }

    @Test
    public void udpIsBlockedYetTheViewerWatchesOverTurnTcp() throws InterruptedException {
        String token = server.api.devUser("office viewer")[0];
        String socket = "http://" + ns.hostAddress + ":" + server.server.signalingPort();
        // the firewall is real: UDP to our TURN port gets nowhere from inside
        inside.open(site.page("viewer.html", "streamId", streamId, "socket", socket, "token", token, "relay", "tcp"));
        try {
            inside.waitFor("state.iceServers && pc && pc.connectionState === 'connected'", CONNECT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\npage state: " + inside.eval("JSON.stringify(state)"), e);
        }
        String window = inside.currentWindow();
        Map<String, WebRtcStats> decoding = MediaChecks.assertAllDecoding(inside, List.of(window), 3000);
        assertEquals(decoding.get(window).localCandidateType(), "relay");
        Object protocol = inside.eval("(async () => { let p = null; const st = await pc.getStats();"
                + " st.forEach(r => { if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded')"
                + " { const l = st.get(r.localCandidateId); p = l && l.relayProtocol; } }); return p; })()");
        assertEquals(protocol, "tcp");
        // and UDP really is blocked in there: a TURN-over-UDP-only viewer cannot connect
        Object udpOnly = inside.executeAsync(Duration.ofSeconds(20), "const done = arguments[arguments.length - 1];"
                + "const pc2 = new RTCPeerConnection({iceServers: state.iceServers.map(s => ({...s, urls: s.urls.map(u => u.replace('transport=tcp', 'transport=udp'))})), iceTransportPolicy: 'relay'});"
                + "pc2.createDataChannel('probe'); const found = [];"
                + "pc2.onicecandidate = e => { if (e.candidate) found.push(e.candidate.candidate); else done(found.length); };"
                + "pc2.createOffer().then(o => pc2.setLocalDescription(o)); setTimeout(() => done(found.length), 15000);");
        assertEquals(((Number) udpOnly).intValue(), 0, "no relay candidate over UDP from behind the firewall");
        assertTrue(coturn.isAlive());
    }
}
