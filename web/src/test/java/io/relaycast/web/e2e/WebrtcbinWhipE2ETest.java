package io.relaycast.web.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.sfu.Sfu;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/**
 * Issue 18 item 5: a GStreamer {@code webrtcbin} publisher over WHIP (Debian's GStreamer 1.22 through python3-gst,
 * {@code whip_webrtcbin.py}), decoded by a Chromium WHEP viewer. webrtcbin writes its RTCP CNAME, with an
 * {@code @}, as the msid stream id of {@code a=ssrc:… msid:}; every such offer used to be refused with
 * {@code SDP_MALFORMED}. webrtcbin negotiates {@code nack pli} and {@code ccm fir}, so the SFU's keyframe requests
 * carry both (decision 383); with the encoder's own keyframes 10 s apart a viewer that joins must still see its first
 * picture within {@link #FIRST_FRAME_LIMIT_MS}, which only a keyframe request that reached the encoder gives.
 * (Issue 18 said webrtcbin ignores PLI; measured with PLI alone it does not: 749 ms, one request at the encoder.)
 */
public class WebrtcbinWhipE2ETest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration CONNECT = Duration.ofSeconds(30);
    /** The encoder's own keyframe interval: 300 frames at 30 fps, 10 s. */
    private static final int KEYFRAME_INTERVAL_FRAMES = 300;
    /** Join to first decoded frame: a keyframe requested and sent, far under the 10 s periodic interval. */
    private static final double FIRST_FRAME_LIMIT_MS = 2000;

    private E2eSite site;
    private TestServer server;
    private Browser browser;
    private Process publisher;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @BeforeClass
    public void start() throws Exception {
        site = E2eSite.start();
        // libnice (webrtcbin's ICE) never gathers loopback candidates when the host has another address
        server = TestServer.start(LocalAddresses.withHostAddress(site.corsOverrides()));
        browser = Browser.start();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (publisher != null) {
            publisher.destroyForcibly();
        }
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

    @Test
    public void aWebrtcbinPublisherIsDecodedByAChromiumViewer() throws Exception {
        String owner = server.api.devUser("gst-owner")[0];
        JsonNode stream = server.api.post("/api/v1/streams", owner, Map.of("title", "webrtcbin over WHIP")).expect(201);
        String id = stream.get("id").asText();
        Path script = Path.of("src/test/python/whip_webrtcbin.py").toAbsolutePath();
        assertTrue(Files.isRegularFile(script), script.toString());
        publisher = new ProcessBuilder(PYTHON, script.toString(), server.baseUrl() + "/whip/" + id,
                stream.get("streamKey").asText(), "40", String.valueOf(KEYFRAME_INTERVAL_FRAMES))
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(publisher.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    System.out.println("webrtcbin: " + line);
                    lines.add(line);
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        }, "webrtcbin-output");
        reader.setDaemon(true);
        reader.start();
        awaitLine("answer 201", "the WHIP offer was accepted");
        awaitLine("connected", "webrtcbin's peer connection connected");
        Sfu sfu = (Sfu) server.server.media();
        assertTrue(sfu.isPublished(id), "the stream is published");
        assertEquals(server.api.get("/api/v1/streams/" + id, owner).expect(200).get("status").asText(), "live");

        @SuppressWarnings("unchecked")
        Map<String, Object> pub = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                sfu.debugState().get("rooms")).get(id)).get("publisher");
        assertEquals(pub.get("keyframeRequest"), "PLI+FIR", "webrtcbin offers ccm fir and nack pli: " + pub);

        // join well after the encoder's first keyframe and well before its next periodic one (10 s after the start)
        Thread.sleep(1500);
        lines.clear();
        String viewer = browser.openWindow(site.page("whep.html", "whep", server.baseUrl() + "/whep/" + id));
        browser.waitFor("state.firstFrameMs !== undefined", CONNECT);
        double firstFrame = ((Number) browser.eval("state.firstFrameMs")).doubleValue();
        List<String> requests = lines.stream().filter(l -> l.startsWith("keyframe requested")).toList();
        System.out.printf("webrtcbin publisher (keyframes every %d frames), WHEP viewer: offer -> first frame %.0f ms;"
                + " encoder saw %s%n", KEYFRAME_INTERVAL_FRAMES, firstFrame, requests);
        assertTrue(firstFrame < FIRST_FRAME_LIMIT_MS, "the viewer's first frame took " + firstFrame
                + " ms: the keyframe request did not reach webrtcbin's encoder (" + requests + ")");
        assertFalse(requests.isEmpty(), "webrtcbin's encoder was asked for a keyframe when the viewer joined");
        System.out.println("webrtcbin publisher, WHEP viewer: "
                + MediaChecks.assertAllDecoding(browser, List.of(viewer), 3000).values());
    }

    private void awaitLine(String expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + CONNECT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(200, TimeUnit.MILLISECONDS);
            if (line != null && line.startsWith(expected)) {
                return;
            }
            if (line != null && (line.startsWith("refused") || line.startsWith("connection failed")
                    || line.startsWith("pipeline error") || line.startsWith("no offer") || line.startsWith("unreachable")
                    || line.startsWith("Traceback"))) {
                fail(what + ": " + line);
            }
            if (line == null && !publisher.isAlive()) {
                fail(what + ": the publisher exited with " + publisher.exitValue());
            }
        }
        fail(what + ": not within " + CONNECT.toSeconds() + " s");
    }
}
