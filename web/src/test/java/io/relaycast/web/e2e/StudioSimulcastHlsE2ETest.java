package io.relaycast.web.e2e;

import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.Viewport;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
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
import static org.testng.Assert.assertTrue;

/**
 * The studio's simulcast does not shrink HLS (decision 368): a browser starts its layers from the lowest while its
 * bandwidth estimate grows, and the tap used to lock onto the first layer it saw, so a 720p broadcast got a ladder
 * (and a recording) made from its 320x180 layer. The ladder of a studio broadcast must start at 720p.
 */
public class StudioSimulcastHlsE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private TestServer server;
    private Browser studio;
    private Browser viewer;

    @BeforeClass
    public void start() {
        server = TestServer.start(Map.of("relaycast.hls.enabled", true));
        studio = Browser.start(Viewport.DESKTOP);
        viewer = Browser.start(Viewport.DESKTOP);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        Teardown.closeAll(viewer, studio, server);
    }

    private static void type(Browser b, String css, String text) {
        WebElement e = b.driver().findElement(By.cssSelector(css));
        e.clear();
        e.sendKeys(text);
    }

    @Test
    public void theHlsLadderOfAStudioSimulcastStartsAtItsTopLayer() throws Exception {
        studio.open(server.baseUrl() + "/studio");
        studio.waitFor("!document.getElementById('signin').hidden", WAIT);
        type(studio, "#signin-name", "Ladder Lee");
        studio.driver().findElement(By.cssSelector("#signin-form button[type=submit]")).click();
        studio.waitFor("window.studio && window.studio.ready && !document.getElementById('studio').hidden", WAIT);
        type(studio, "#new-title", "ladder from the top");
        studio.driver().findElement(By.cssSelector("#create-form button[type=submit]")).click();
        studio.waitFor("window.studio.streamId && !document.getElementById('go-live').disabled", WAIT);
        studio.waitFor("document.getElementById('preview').videoHeight === 720", WAIT);
        String streamId = (String) studio.eval("window.studio.streamId");
        studio.driver().findElement(By.id("go-live")).click();
        studio.waitFor("window.studio.live", WAIT);
        assertEquals(studio.eval("window.studio.layers"), List.of("q", "h", "f"));
        // a viewer who opens the HLS player the moment the stream goes live: its master playlist is 404 until the
        // ladder made a first segment (here ~10 s: the tap waits for the top layer), and the player must keep asking
        viewer.open(server.baseUrl() + "/watch/" + streamId + "?hls=1");
        viewer.waitFor("window.watch && window.watch.transport === 'hls'", WAIT);

        HttpClient http = HttpClient.newHttpClient();
        URI master = URI.create(server.baseUrl() + "/hls/" + streamId + "/master.m3u8");
        String playlist = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(master).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                playlist = r.body();
                break;
            }
            Thread.sleep(500);
        }
        assertTrue(playlist != null, "no HLS master playlist within 60 s: " + server.server.hls().debugState());
        // renditions at or below the source's height: a 720 source has a 720p rung, a 180 one only 144p
        assertTrue(playlist.contains("x720"), "the ladder is made from the top layer (1280x720):\n" + playlist);
        viewer.waitFor("document.getElementById('video').currentTime > 2", Duration.ofSeconds(45));
        assertEquals(viewer.eval("document.getElementById('overlay').hidden"), true,
                "no error overlay: " + viewer.eval("document.getElementById('overlay-text').textContent"));
    }
}
