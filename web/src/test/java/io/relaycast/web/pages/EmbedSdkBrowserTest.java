package io.relaycast.web.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.Viewport;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * Relaycast inside an integrator's site (issue 18, item 4), in headless Chromium. The site is another origin
 * ({@link HostSite}, another port): a page of it publishes through {@code /sdk/relaycast.js} (a MediaStream from
 * the fake camera, simulcast); another page frames {@code /embed/{id}} and hears {@code ready} and {@code playing}
 * over postMessage from Relaycast's origin, sends commands (setQuality, getState, pause) and hears their effects;
 * a third page imports the SDK, watches into its own {@code <video>} and chats both ways. The framing policy is
 * checked on the wire: the embed page may be framed by other sites, every other page only by its own.
 */
public class EmbedSdkBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private HostSite site;
    private TestServer server;
    private Browser publisherBrowser;
    private Browser viewer;
    private String streamId;
    private String ownerToken;

    @BeforeClass
    public void start() throws Exception {
        site = HostSite.start();
        // the integrator's origin may call the API and open sockets (the SDK pages); the embed needs no entry
        server = TestServer.start(Map.of("relaycast.http.cors-allowed-origins", List.of(site.origin)));
        publisherBrowser = Browser.start(Viewport.DESKTOP);
        viewer = Browser.start(Viewport.DESKTOP);
        ownerToken = server.api.devUser("integrated caster")[0];
        JsonNode stream = server.api.post("/api/v1/streams", ownerToken, Map.of("title", "embedded")).expect(201);
        streamId = stream.get("id").asText();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        for (AutoCloseable c : new AutoCloseable[]{viewer, publisherBrowser, server, site}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the rest still goes
            }
        }
    }

    @Test
    public void anIntegratorsPagePublishesThroughTheSdk() {
        publisherBrowser.open(site.page("sdk-publish.html", "server", server.baseUrl(), "stream", streamId,
                "token", ownerToken));
        publisherBrowser.waitFor("window.pub.live || window.pub.errors.length", WAIT);
        assertEquals(publisherBrowser.eval("window.pub.errors"), List.of(), "the SDK published");
        // a 1280x720 camera: three layers, lowest first
        assertEquals(publisherBrowser.eval("window.pub.layers"), List.of("q", "h", "f"));
        publisherBrowser.waitFor("window.publisher.pc.connectionState === 'connected'", WAIT);
        assertEquals(server.api.get("/api/v1/streams/" + streamId, null).expect(200).get("status").asText(), "live");
    }

    @Test(dependsOnMethods = "anIntegratorsPagePublishesThroughTheSdk")
    public void aHostPageOnAnotherOriginEmbedsThePlayerAndTalksToItOverPostMessage() {
        viewer.open(site.page("embed-host.html", "server", server.baseUrl(), "stream", streamId, "chat", "1"));
        viewer.waitFor("window.host.events.includes('ready')", WAIT);
        viewer.waitFor("window.host.events.includes('playing')", WAIT);
        viewer.screenshot("embed-on-host-1280x800"); // the player in a third-party page, for a person to look at
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> messages = (List<Map<String, Object>>) viewer.eval("window.host.messages");
        Map<String, Object> ready = messages.stream().filter(m -> "ready".equals(m.get("event"))).findFirst().orElseThrow();
        assertEquals(ready.get("origin"), server.baseUrl(), "posted from Relaycast's origin");
        assertEquals(ready.get("streamId"), streamId);
        Map<String, Object> playing = messages.stream().filter(m -> "playing".equals(m.get("event"))).findFirst().orElseThrow();
        assertEquals(((Map<?, ?>) playing.get("data")).get("transport"), "webrtc", "WebRTC first: " + messages);

        // commands from the host: quality, then the state it reports, then pause
        viewer.eval("window.send({ command: 'setQuality', quality: 'low' })");
        viewer.waitFor("window.host.messages.some(m => m.event === 'quality' && m.data.quality === 'low')", WAIT);
        // the picture the embed receives gets the low layer's height (a quarter of 720)
        viewer.waitFor("window.host.messages.some(m => m.event === 'quality' && m.data.height > 0 && m.data.height <= 180)",
                WAIT);
        viewer.eval("window.send({ command: 'getState' })");
        viewer.waitFor("window.host.messages.some(m => m.event === 'state')", WAIT);
        @SuppressWarnings("unchecked")
        Map<String, Object> state = (Map<String, Object>) viewer.eval(
                "window.host.messages.filter(m => m.event === 'state').pop().data");
        assertEquals(state.get("transport"), "webrtc");
        assertEquals(state.get("quality"), "low");
        assertEquals(state.get("live"), true);
        viewer.eval("window.send({ command: 'pause' })");
        viewer.waitFor("window.host.events.includes('paused')", WAIT);
        viewer.eval("window.send({ command: 'nonsense' })");
        viewer.waitFor("window.host.messages.some(m => m.event === 'error' && m.data.code === 'UNKNOWN_COMMAND')", WAIT);
        assertEquals(((Number) viewer.eval("window.host.foreign")).intValue(), 0, "only Relaycast's messages");

        // inside the frame: the player decodes, and a message from this page's own window (not the host) is refused
        viewer.driver().switchTo().frame(0);
        try {
            viewer.waitFor("document.getElementById('video').videoHeight > 0", WAIT);
            viewer.eval("window.postMessage({ command: 'unmute' }, '*')");
            viewer.waitFor("window.embed.refused >= 1", WAIT);
            assertEquals(viewer.eval("document.getElementById('video').muted"), true, "a command not from the host");
        } finally {
            viewer.driver().switchTo().defaultContent();
        }
    }

    @Test(dependsOnMethods = "aHostPageOnAnotherOriginEmbedsThePlayerAndTalksToItOverPostMessage")
    public void aPageImportingTheSdkWatchesAndChats() throws Exception {
        String viewerToken = server.api.devUser("sdk viewer")[0];
        viewer.openWindow(site.page("sdk-watch.html", "server", server.baseUrl(), "stream", streamId,
                "token", viewerToken));
        viewer.waitFor("window.sdk.ready || window.sdk.errors.length", WAIT);
        assertEquals(viewer.eval("window.sdk.errors"), List.of(), "the SDK watched and joined the chat");
        viewer.waitFor("window.player.transport === 'webrtc' && document.getElementById('video').currentTime > 0.5", WAIT);
        viewer.waitFor("window.player.height > 0", WAIT);

        // the viewer chats through the SDK: the server stored it under the viewer's name
        viewer.eval("window.say('hello from an integrator')");
        viewer.waitFor("window.sdk.sent !== null || window.sdk.errors.length", WAIT);
        assertEquals(viewer.eval("window.sdk.errors"), List.of());
        JsonNode comments = server.api.get("/api/v1/streams/" + streamId + "/comments", null).expect(200);
        assertTrue(comments.get("items").toString().contains("hello from an integrator"), comments.toString());
        // and hears the broadcaster, who writes over REST
        server.api.post("/api/v1/streams/" + streamId + "/comments", ownerToken, Map.of("content", "welcome, integrator"))
                .expect(201);
        viewer.waitFor("window.sdk.messages.includes('welcome, integrator')", WAIT);
        viewer.eval("window.react('fire')");
        viewer.waitFor("window.sdk.reacted === 'fire' || window.sdk.errors.length", WAIT);
        assertEquals(viewer.eval("window.sdk.errors"), List.of());

        // the publisher ends the stream through the SDK: the watching page hears it
        publisherBrowser.eval("window.publisher.end()");
        viewer.waitFor("window.sdk.events.includes('ended')", WAIT);
    }

    /** Framing on the wire: only the embed page may be framed by other sites; the SDK is importable from anywhere. */
    @Test
    public void onlyTheEmbedPageMayBeFramedByOtherSites() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> embed = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/embed/" + streamId))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(embed.statusCode(), 200);
        String csp = embed.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("frame-ancestors *"), csp);
        assertFalse(embed.headers().firstValue("X-Frame-Options").isPresent(), "X-Frame-Options would forbid it");
        for (String page : List.of("/watch/" + streamId, "/studio", "/")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + page)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(r.headers().firstValue("Content-Security-Policy").orElseThrow().endsWith("frame-ancestors 'self'"), page);
            assertEquals(r.headers().firstValue("X-Frame-Options").orElse(null), "SAMEORIGIN", page);
        }
        HttpResponse<String> sdk = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/sdk/relaycast.js"))
                .header("Origin", "https://elsewhere.example").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(sdk.statusCode(), 200);
        assertEquals(sdk.headers().firstValue("Access-Control-Allow-Origin").orElse(null), "*");
        assertTrue(sdk.body().contains("export class Relaycast"), "the SDK's entry module");
        int traversal = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/sdk/..%2Fpages%2Fwatch.html")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
        assertTrue(traversal == 404 || traversal == 400, "no way out of the SDK folder: " + traversal);
    }
}
