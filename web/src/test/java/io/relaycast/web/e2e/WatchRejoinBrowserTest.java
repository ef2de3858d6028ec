package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * The watch page loses its Socket.IO connection (its node died, or the load balancer dropped it) and comes back by
 * itself (issue 15 item 4): its socket reaches the server through a TCP forwarder of this test, standing for the
 * load balancer; once the page plays, the forwarder cuts every connection. The server forgets the socket's rooms and
 * viewer peer; the page's socket reconnects through the forwarder, joins the room and the stream again with a new
 * peer connection, and plays on, and chat reaches it again. With several nodes the reconnect lands on another node;
 * here it lands on the same one (serving a stream on a node that is not its origin is the relay's, tested there).
 */
public class WatchRejoinBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private E2eSite site;
    private TestServer server;
    private Browser publisher;
    private Browser browser;
    private Forwarder balancer;
    private String streamId;
    private String owner;

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        balancer = new Forwarder(0); // its target is known once the server runs
        Map<String, Object> o = new HashMap<>(site.corsOverrides());
        // pages learn the Socket.IO URL from /api/v1/config/client: the forwarder's
        o.put("relaycast.signaling.public-url", "http://127.0.0.1:" + balancer.port());
        server = TestServer.start(o);
        balancer.target = server.server.signalingPort();
        publisher = Browser.start(); // its own browser: a background window's capture may be throttled
        browser = Browser.start();
        owner = server.api.devUser("rejoin-owner")[0];
        JsonNode stream = server.api.post("/api/v1/streams", owner, Map.of("title", "rejoin")).expect(201);
        streamId = stream.get("id").asText();
        publisher.open(site.page("whip.html", "whip", server.baseUrl() + "/whip/" + streamId,
                "key", stream.get("streamKey").asText()));
        publisher.waitFor("window.state && state.status === 'publishing' && pc.connectionState === 'connected'", WAIT);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        Teardown.closeAll(browser, publisher, server, balancer, site);
    }

    @Test
    public void theWatchPageRejoinsAfterItsSocketDropsAndPlaysAgain() throws Exception {
        browser.open(server.baseUrl() + "/watch/" + streamId);
        try {
            browser.waitFor("window.watch && window.watch.transport === 'webrtc' && window.watch.pc.connectionState === 'connected'", WAIT);
            browser.waitFor("document.getElementById('video').currentTime > 0.5", WAIT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nwatch state: " + browser.eval("JSON.stringify(window.watch)"), e);
        }
        browser.eval("(window.watch.pc.relaycastMarker = 'first pc', window.pageMarker = 'same page')");
        assertTrue(balancer.open() >= 1, "the page's socket goes through the forwarder");

        long cut = System.nanoTime();
        balancer.cutAll(); // the node (or the balancer's connection to it) is gone
        try {
            browser.waitFor("window.watch.reconnects >= 1", WAIT);
            browser.waitFor("window.watch.pc && window.watch.pc.relaycastMarker !== 'first pc'"
                    + " && window.watch.pc.connectionState === 'connected' && window.watchSocket.connected", WAIT);
            long connected = System.nanoTime();
            double t0 = ((Number) browser.eval("document.getElementById('video').currentTime")).doubleValue();
            browser.waitFor("document.getElementById('video').currentTime > " + (t0 + 1.0), WAIT);
            System.out.printf("watch page: socket cut -> new peer connected %d ms, then playing%n",
                    (connected - cut) / 1_000_000);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nwatch state: " + browser.eval("JSON.stringify(window.watch)"), e);
        }
        assertEquals(browser.eval("window.pageMarker"), "same page", "no page load");
        assertEquals(browser.eval("window.watch.transport"), "webrtc");
        // the room was joined again: chat sent now reaches the page
        server.api.post("/api/v1/streams/" + streamId + "/comments", owner, Map.of("content", "still here?")).expect(201);
        browser.waitFor("document.body.textContent.includes('still here?')", WAIT);
        String state = (String) browser.eval("JSON.stringify(window.watch)");
        assertEquals(((Number) browser.eval("window.watch.reconnects")).intValue(), 1, "one reconnect for one cut: " + state);
        // the page joined again because its socket came back, not after its old peer's ICE failed (about 10 s
        // later, the ICE restart path): that is what makes a dead node's viewers play again within seconds
        assertEquals(((Number) browser.eval("window.watch.rejoins")).intValue(), 1, state);
        assertEquals(((Number) browser.eval("window.watch.iceRestarts")).intValue(), 0, state);
    }

    /** A TCP forwarder on loopback standing for the load balancer: every connection to it goes to {@link #target}. */
    static final class Forwarder implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        volatile int target;

        Forwarder(int target) throws IOException {
            this.target = target;
            Thread accept = new Thread(this::accept, "test-forwarder");
            accept.setDaemon(true);
            accept.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        /** Client connections open now. */
        int open() {
            return (int) sockets.stream().filter(s -> !s.isClosed()).count() / 2;
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket upstream;
                    try {
                        upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    } catch (IOException e) {
                        // the target is down (a dead node the balancer has not yet taken out): refuse at once, as
                        // a balancer does, so the client retries rather than waiting on a silent connection
                        closeQuietly(client);
                        continue;
                    }
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // closed, or the server is not up: the client sees its connection fail and retries
                }
            }
        }

        private void pump(Socket from, Socket to) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16384];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException ignored) {
                    // cut
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "test-forwarder-pump");
            t.setDaemon(true);
            t.start();
        }

        void cutAll() {
            sockets.forEach(Forwarder::closeQuietly);
            sockets.clear();
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException ignored) {
                // already closed
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            cutAll();
        }
    }
}
