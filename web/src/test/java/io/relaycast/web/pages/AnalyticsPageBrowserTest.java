package io.relaycast.web.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.load.LoadOptions;
import io.relaycast.load.LoadRun;
import io.relaycast.load.LoadSummary;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.Viewport;
import org.openqa.selenium.By;
import org.testng.annotations.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * The broadcaster's analytics page with real data: a broadcaster goes live from the studio in Chromium (fake
 * camera, so the page's quality updates carry fps), {@code relaycast load} adds 6 WebRTC viewers and 3 chatters,
 * a few viewers react; the page, opened from the studio's link, draws viewers, watch time, chat and reaction
 * rates, bitrate, fps and loss while live, and keeps them after the end. The final screenshot is docs/analytics-page.png.
 */
public class AnalyticsPageBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Tall enough for the totals and the three rows of charts in one screenshot. */
    private static final Viewport TALL = new Viewport(1280, 1180, false);

    @Test
    public void chartsLiveWhileStreamingAndAfterTheEnd() throws Exception {
        try (TestServer server = TestServer.start(); Browser studio = Browser.start(Viewport.DESKTOP)) {
            String base = server.baseUrl();
            studio.open(base + "/studio");
            studio.waitFor("!document.getElementById('signin').hidden", WAIT);
            studio.driver().findElement(By.cssSelector("#signin-name")).sendKeys("Ann Caster");
            studio.driver().findElement(By.cssSelector("#signin-form button[type=submit]")).click();
            studio.waitFor("window.studio && window.studio.ready && !document.getElementById('studio').hidden", WAIT);
            studio.driver().findElement(By.cssSelector("#new-title")).sendKeys("Pasta night");
            studio.driver().findElement(By.cssSelector("#create-form button[type=submit]")).click();
            studio.waitFor("window.studio.streamId && !document.getElementById('go-live').disabled", WAIT);
            studio.waitFor("document.getElementById('preview').videoWidth > 0", WAIT);
            String streamId = (String) studio.eval("window.studio.streamId");
            studio.driver().findElement(By.cssSelector("#go-live")).click();
            studio.waitFor("window.studio.live && document.getElementById('live-badge').textContent === 'LIVE'", WAIT);

            // viewers and chatters from the load tool, reactions from three viewers over the run
            LoadOptions o = LoadOptions.parse("--url", base, "--stream", streamId, "--viewers", "6", "--chatters", "3",
                    "--duration", "45s", "--chat-interval", "2s", "--ramp", "2");
            CompletableFuture<LoadSummary> load = CompletableFuture.supplyAsync(() -> {
                try {
                    return new LoadRun(o, new PrintStream(new ByteArrayOutputStream())).run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<String> reacting = List.of(server.api.devUser("Ria")[0], server.api.devUser("Raj")[0],
                    server.api.devUser("Rex")[0]);

            // the studio links the page; it opens in the owner's browser (same sign-in)
            String href = studio.driver().findElement(By.id("analytics-link")).getAttribute("href");
            assertEquals(href, base + "/studio/analytics/" + streamId);
            String studioWindow = studio.currentWindow();
            String page = studio.openWindow(href);
            studio.switchTo(page);
            studio.setViewport(TALL);
            studio.waitFor("document.body.dataset.ready === 'true'", WAIT);
            assertEquals(studio.eval("document.getElementById('status').textContent"), "LIVE");

            String[] types = {"like", "love", "fire", "clap", "wow"};
            for (int i = 0; i < 12; i++) {
                server.api.post("/api/v1/streams/" + streamId + "/reactions", reacting.get(i % 3),
                        Map.of("type", types[i % types.length])).expect(201);
                Thread.sleep(3000);
            }
            // live: the page refreshes by itself (every 5 s) and shows the load's viewers and chat
            studio.waitFor("Number(document.getElementById('t-peak').textContent) >= 6"
                    + " && Number(document.getElementById('t-comments').textContent) > 0"
                    + " && Number(document.getElementById('t-reactions').textContent) >= 12", Duration.ofSeconds(60));
            assertEquals(((Number) studio.eval("document.querySelectorAll('.uplot canvas').length")).intValue(), 6);
            assertTrue(((String) studio.eval("document.getElementById('updated').textContent")).startsWith("live"));
            studio.screenshot("analytics-live");

            LoadSummary summary = load.get();
            assertEquals(summary.viewersReceiving(), 6, summary.format());

            // the timeline behind the charts: viewers, watch time, chat, reactions, and media health from both sources
            String owner = (String) studio.eval("localStorage.getItem('relaycast.token')");
            JsonNode tl = server.api.get("/api/v1/streams/" + streamId + "/analytics/timeline?step=10", owner).expect(200);
            assertEquals(tl.get("stepSeconds").asInt(), 10);
            int maxViewers = 0;
            double watch = 0;
            int comments = 0;
            for (JsonNode p : tl.get("points")) {
                maxViewers = Math.max(maxViewers, p.get("viewers").asInt());
                watch += p.get("watchSeconds").asDouble();
                comments += p.get("comments").asInt();
            }
            assertTrue(maxViewers >= 6, tl.toString());
            assertTrue(watch > 6 * 20, "watch time of six viewers over 45 s: " + tl);
            assertTrue(comments > 0, tl.toString());
            boolean sfuBitrate = false;
            boolean clientFps = false;
            for (JsonNode m : tl.get("media")) {
                sfuBitrate |= m.get("source").asText().equals("sfu") && m.path("bitrate").asDouble() > 0;
                clientFps |= m.get("source").asText().equals("client") && m.path("fps").asDouble() > 0;
            }
            assertTrue(sfuBitrate && clientFps, tl.get("media").toString());
            server.api.get("/api/v1/streams/" + streamId + "/analytics/timeline?step=1", owner).expectError(400, "VALIDATION_FAILED");
            server.api.get("/api/v1/streams/" + streamId + "/analytics/timeline", server.api.devUser("Eve")[0]).expect(403);

            // the end: the page says so, stops refreshing, and keeps every chart
            studio.switchTo(studioWindow);
            studio.driver().findElement(By.cssSelector("#end")).click();
            studio.switchTo(page);
            studio.waitFor("document.getElementById('status').textContent === 'ENDED'", WAIT);
            assertTrue(((String) studio.eval("document.getElementById('updated').textContent")).startsWith("final"));
            assertEquals(((Number) studio.eval("document.querySelectorAll('.uplot canvas').length")).intValue(), 6);
            Object overflow = studio.eval("document.documentElement.scrollWidth - window.innerWidth");
            assertTrue(((Number) overflow).intValue() <= 0, "the page scrolls sideways by " + overflow);
            Path shot = studio.screenshot("analytics-ended");
            Path docs = Path.of("..", "docs", "analytics-page.png");
            Files.copy(shot, docs, StandardCopyOption.REPLACE_EXISTING);

            // on a phone: one column, every chart within the screen
            studio.setViewport(Viewport.PHONE);
            studio.reload();
            studio.waitFor("document.body.dataset.ready === 'true'", WAIT);
            Object phoneOverflow = studio.eval("document.documentElement.scrollWidth - window.innerWidth");
            assertTrue(((Number) phoneOverflow).intValue() <= 0, "the phone page scrolls sideways by " + phoneOverflow);
            Object widest = studio.eval("Math.max(...[...document.querySelectorAll('.uplot')].map(e => e.getBoundingClientRect().right))");
            assertTrue(((Number) widest).doubleValue() <= Viewport.PHONE.width(), "a chart ends at " + widest);
            studio.screenshot("analytics-phone");
        }
    }
}
