package io.relaycast.web.e2e;

import io.relaycast.sfu.Sfu;
import io.relaycast.sfu.room.Subscriber;
import io.relaycast.sfu.transport.WebRtcTransport;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.Viewport;
import io.relaycast.web.browser.WebRtcStats;
import io.relaycast.web.net.NetworkNamespace;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;

/**
 * A viewer's network path breaks for real and the watch page recovers by an ICE restart on the same
 * RTCPeerConnection (issue #8). The viewer's Chromium runs in a network namespace of ours; once it plays, iptables
 * inside drops every UDP datagram of its selected pair's local port, both ways, as a NAT rebinding or a switch of
 * network would: that path never comes back. The page must notice, ask for {@code stream:ice-restart}, answer the
 * new offer, and play on over new candidates (a new ICE generation gathers new sockets) on the same DTLS
 * association: same {@code pc}, no re-join, no page load, video decoding on.
 */
public class IceRestartE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private NetworkNamespace ns;
    private TestServer server;
    private Browser studio;
    private Browser inside;
    private String streamId;

    @BeforeClass
    public void start() throws Exception {
        ns = NetworkNamespace.create();
        int httpPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            httpPort = probe.getLocalPort(); // fixed up front: the socket's allowed origin names it
        }
        server = TestServer.start(Map.of(
                "relaycast.http.host", "0.0.0.0",
                "relaycast.http.port", httpPort,
                // the watch page inside loads from our side of the veth: a foreign origin to the socket's check
                "relaycast.signaling.cors-allowed-origins", List.of("http://" + ns.hostAddress + ":" + httpPort),
                "relaycast.signaling.host", "0.0.0.0",
                // our side of the veth: reachable from inside the namespace and from the studio on this machine
                "relaycast.media.ice.bind-addresses", List.of(ns.hostAddress)));
        inside = ns.startChromium();
        studio = Browser.start(Viewport.DESKTOP);
        goLive();
    }

    /** The broadcaster goes live from the studio on loopback (getUserMedia needs a secure context). */
    private void goLive() {
        studio.open(server.baseUrl() + "/studio");
        studio.waitFor("!document.getElementById('signin').hidden", WAIT);
        type(studio, "#signin-name", "Ann Caster");
        click(studio, "#signin-form button[type=submit]");
        studio.waitFor("window.studio && window.studio.ready && !document.getElementById('studio').hidden", WAIT);
        type(studio, "#new-title", "on the move");
        click(studio, "#create-form button[type=submit]");
        studio.waitFor("window.studio.streamId && !document.getElementById('go-live').disabled", WAIT);
        studio.waitFor("document.getElementById('preview').videoWidth > 0", WAIT);
        streamId = (String) studio.eval("window.studio.streamId");
        click(studio, "#go-live");
        studio.waitFor("window.studio.live && document.getElementById('live-badge').textContent === 'LIVE'", WAIT);
    }

    private static void type(Browser b, String css, String text) {
        WebElement e = b.driver().findElement(By.cssSelector(css));
        e.clear();
        e.sendKeys(text);
    }

    private static void click(Browser b, String css) {
        b.driver().findElement(By.cssSelector(css)).click();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        Teardown.closeAll(inside, studio, server, ns);
    }

    private static final String SELECTED_LOCAL_PORT = "(async () => { let port = null; const st = await window.watch.pc.getStats();"
            + " st.forEach(r => { if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') {"
            + " const l = st.get(r.localCandidateId); if (l) port = l.port; } }); return port; })()";

    @Test
    public void aViewerWhosePathBreaksRestartsIceOnTheSameConnectionAndPlaysOn() throws Exception {
        String base = "http://" + ns.hostAddress + ":" + server.server.httpPort();
        inside.open(base + "/watch/" + streamId);
        try {
            inside.waitFor("window.watch && window.watch.transport === 'webrtc' && window.watch.pc.connectionState === 'connected'", WAIT);
            inside.waitFor("document.getElementById('video').currentTime > 0.5", WAIT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nwatch state: " + inside.eval("JSON.stringify(window.watch)"), e);
        }
        inside.eval("(window.watch.pc.relaycastMarker = 'first pc', window.pageMarker = 'same page')");
        Sfu sfu = (Sfu) server.server.media();
        Subscriber viewer = sfu.room(streamId).subscribers().get(0);
        WebRtcTransport transport = (WebRtcTransport) viewer.transport();
        String ufragBefore = transport.localUfrag();
        Object port = inside.eval(SELECTED_LOCAL_PORT);
        assertTrue(port instanceof Number, "the viewer's selected pair has a local port: " + port);

        // the path breaks for good: every datagram from or to that local port is dropped inside the namespace
        String p = String.valueOf(((Number) port).intValue());
        ns.exec("iptables", "-I", "OUTPUT", "-p", "udp", "--sport", p, "-j", "DROP");
        ns.exec("iptables", "-I", "INPUT", "-p", "udp", "--dport", p, "-j", "DROP");
        long broken = System.nanoTime();
        try {
            inside.waitFor("window.watch.pc.connectionState !== 'connected'", WAIT);
            long noticed = System.nanoTime();
            inside.waitFor("window.watch.iceRestarts >= 1", WAIT);
            long asked = System.nanoTime();
            inside.waitFor("window.watch.iceRestartsSucceeded >= 1 && window.watch.pc.connectionState === 'connected'", WAIT);
            long reconnected = System.nanoTime();
            long frames0 = WebRtcStats.read(inside, "watch.pc").videoFramesDecoded();
            long firstFrame = -1;
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < until) {
                if (WebRtcStats.read(inside, "watch.pc").videoFramesDecoded() > frames0) {
                    firstFrame = System.nanoTime();
                    break;
                }
                Thread.sleep(50);
            }
            System.out.printf("ICE restart e2e: path broken -> browser leaves 'connected' %d ms -> restart asked %d ms,"
                            + " restart asked -> connected %d ms, connected -> new frames decoded %s ms%n",
                    ms(noticed - broken), ms(asked - noticed), ms(reconnected - asked),
                    firstFrame < 0 ? "none" : Long.toString(ms(firstFrame - reconnected)));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nwatch state: " + inside.eval("JSON.stringify(window.watch)")
                    + "\nserver transport: " + transport.debugState(), e);
        }

        // same RTCPeerConnection, same page, no re-join
        assertEquals(inside.eval("window.watch.pc.relaycastMarker"), "first pc", "the same RTCPeerConnection");
        assertEquals(inside.eval("window.pageMarker"), "same page", "no page load");
        assertEquals(((Number) inside.eval("window.watch.recoveries")).intValue(), 0, "no re-join");
        assertEquals(inside.eval("window.watch.transport"), "webrtc");
        Object newPort = inside.eval(SELECTED_LOCAL_PORT);
        assertNotEquals(newPort, port, "a new local candidate carries the path now");

        // and on the server: the same peer and transport, now on a new ICE session (DTLS kept)
        assertSame(sfu.room(streamId).subscriber(viewer.peerId()), viewer, "the same viewer peer");
        assertEquals(sfu.room(streamId).subscriberCount(), 1);
        assertTrue(transport.iceRestarts() >= 1, "media moved to the restarted session: " + transport.debugState());
        assertNotEquals(transport.localUfrag(), ufragBefore, "new local ICE credentials");
        assertTrue(transport.isReady());

        // the video keeps playing: currentTime advances and frames keep being decoded
        double t0 = ((Number) inside.eval("document.getElementById('video').currentTime")).doubleValue();
        WebRtcStats s0 = WebRtcStats.read(inside, "watch.pc");
        Thread.sleep(3000);
        double t1 = ((Number) inside.eval("document.getElementById('video').currentTime")).doubleValue();
        WebRtcStats s1 = WebRtcStats.read(inside, "watch.pc");
        assertTrue(t1 > t0 + 1.5, "currentTime advances: " + t0 + " -> " + t1);
        assertTrue(s1.videoFramesDecoded() - s0.videoFramesDecoded() >= 3 * MediaChecks.MIN_FRAMES_PER_SECOND,
                "frames decoded after the restart: " + s0 + " -> " + s1);
    }

    private static long ms(long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }
}
