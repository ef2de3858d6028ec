package io.relaycast.web.e2e;

import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.WebRtcStats;
import io.relaycast.web.net.NetworkNamespace;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * ICE-TCP (RFC 6544): a viewer whose network drops every UDP packet and lets TCP reach only our web, Socket.IO and
 * ICE-TCP ports, with no TURN server at all, still watches: its Chromium connects to the SFU's passive TCP
 * candidate and the selected pair is TCP. And with {@code tcp-port} off, the SDP carries no TCP candidate.
 */
public class IceTcpViewerE2ETest {
    private static final Duration CONNECT = Duration.ofSeconds(40);
    private NetworkNamespace ns;
    private E2eSite site;
    private E2eSite publisherSite;
    private TestServer server;
    private Browser outside;
    private Browser inside;
    private String streamId;
    private int tcpPort;

    @BeforeClass
    public void start() throws Exception {
        ns = NetworkNamespace.create();
        site = E2eSite.start(InetAddress.getByName(ns.hostAddress));
        publisherSite = E2eSite.start();
        Map<String, Object> o = new HashMap<>(site.corsOverrides());
        for (String key : List.of("relaycast.signaling.cors-allowed-origins", "relaycast.http.cors-allowed-origins")) {
            o.put(key, List.of(site.origin(), publisherSite.origin()));
        }
        o.put("relaycast.http.host", "0.0.0.0");
        o.put("relaycast.signaling.host", "0.0.0.0");
        try (ServerSocket probe = new ServerSocket(0)) {
            tcpPort = probe.getLocalPort();
        }
        o.put("relaycast.media.ice.tcp-port", tcpPort);
        // the publisher outside reaches us on loopback, the viewer inside on our end of its link
        o.put("relaycast.media.ice.bind-addresses", List.of("127.0.0.1", ns.hostAddress));
        server = TestServer.start(o);
        ns.firewall(server.server.httpPort(), server.server.signalingPort(),
                Integer.parseInt(site.origin().replaceAll(".*:", "")), tcpPort);
        inside = ns.startChromium();

        outside = Browser.start();
        String owner = server.api.devUser("broadcaster")[0];
        streamId = server.api.post("/api/v1/streams", owner, Map.of("title", "over tcp")).expect(201).get("id").asText();
        outside.openWindow(publisherSite.page("publisher.html", "streamId", streamId,
                "socket", server.socketUrl(), "token", owner));
        outside.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        Teardown.closeAll(inside, outside, server, site, publisherSite, ns);
    }

    @Test
    public void udpIsBlockedYetTheViewerWatchesOverIceTcp() throws InterruptedException {
        // the publisher outside has UDP: the SFU's answer offers TCP too, yet its selected pair is UDP
        String answer = String.valueOf(outside.eval("pc.remoteDescription.sdp"));
        assertTrue(answer.contains(" tcp ") && answer.contains("tcptype passive"), answer);
        assertEquals(selectedProtocol(outside), "udp", "UDP wins when both work");

        String token = server.api.devUser("udp-less viewer")[0];
        String socket = "http://" + ns.hostAddress + ":" + server.server.signalingPort();
        long started = System.nanoTime();
        inside.open(site.page("viewer.html", "streamId", streamId, "socket", socket, "token", token));
        try {
            inside.waitFor("window.state && pc && pc.connectionState === 'connected'", CONNECT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\npage state: " + inside.eval("JSON.stringify(state)"), e);
        }
        long connectMs = (System.nanoTime() - started) / 1_000_000;
        String window = inside.currentWindow();
        Map<String, WebRtcStats> decoding = MediaChecks.assertAllDecoding(inside, List.of(window), 3000);
        // Chromium's active TCP candidate (port 9, RFC 6544 section 4.5) turns peer-reflexive once our response
        // tells it its real port; host or prflx, the protocol is what matters
        assertTrue(List.of("host", "prflx").contains(decoding.get(window).localCandidateType()),
                decoding.get(window).localCandidateType());
        assertEquals(selectedProtocol(inside), "tcp");
        assertEquals(remotePort(inside), tcpPort, "the SFU's passive candidate");
        System.out.println("ICE-TCP viewer: page open to connected in " + connectMs + " ms");
    }

    @Test
    public void withIceTcpOffTheSdpHasNoTcpCandidate() throws Exception {
        try (TestServer plain = TestServer.start(publisherSite.corsOverrides());
             Browser b = Browser.start()) {
            String owner = plain.api.devUser("plain broadcaster")[0];
            String id = plain.api.post("/api/v1/streams", owner, Map.of("title", "udp only")).expect(201).get("id").asText();
            b.openWindow(publisherSite.page("publisher.html", "streamId", id, "socket", plain.socketUrl(), "token", owner));
            b.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", CONNECT);
            String answer = String.valueOf(b.eval("pc.remoteDescription.sdp"));
            assertTrue(answer.contains(" udp "), answer);
            assertFalse(answer.toLowerCase().contains(" tcp "), answer);
        }
    }

    private static Object selectedProtocol(Browser b) {
        return b.eval("(async () => { let p = null; const st = await pc.getStats();"
                + " st.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) {"
                + " const pair = st.get(r.selectedCandidatePairId); const l = pair && st.get(pair.localCandidateId);"
                + " p = l && l.protocol; } }); return p; })()");
    }

    private static int remotePort(Browser b) {
        Object port = b.eval("(async () => { let p = null; const st = await pc.getStats();"
                + " st.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) {"
                + " const pair = st.get(r.selectedCandidatePairId); const c = pair && st.get(pair.remoteCandidateId);"
                + " p = c && c.port; } }); return p; })()");
        return ((Number) port).intValue();
    }
}
