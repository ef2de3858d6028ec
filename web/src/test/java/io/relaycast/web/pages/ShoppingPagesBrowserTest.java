package io.relaycast.web.pages;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.web.TestServer;
import io.relaycast.web.browser.Browser;
import io.relaycast.web.browser.Viewport;
import org.openqa.selenium.By;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.time.Duration;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Live shopping and moderation in the pages, by clicks in headless Chromium: on the watch page the like button and
 * the featured item's buy link land in the owner's analytics and a sale makes the item pulse "Sold!"; the studio
 * shows revenue and orders as sales come in, and its chat menu bans a user.
 */
public class ShoppingPagesBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private TestServer server;
    private Browser viewer;
    private Browser studio;

    @BeforeClass
    public void start() {
        server = TestServer.start();
        viewer = Browser.start(Viewport.DESKTOP);
        studio = Browser.start(Viewport.DESKTOP);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (viewer != null) {
            viewer.close();
        }
        if (studio != null) {
            studio.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Signs the browser in as a fresh dev user (what the sign-in form stores); returns {token, userId}. */
    private String[] signIn(Browser b, String name) {
        JsonNode r = server.api.post("/api/v1/auth/dev-token", null, Map.of("name", name)).expect(201);
        b.open(server.baseUrl() + "/health/live");
        b.eval("(localStorage.setItem('relaycast.token', " + quote(r.get("token").asText()) + "),"
                + " localStorage.setItem('relaycast.user', " + quote(r.get("user").toString()) + "), true)");
        return new String[]{r.get("token").asText(), r.get("user").get("id").asText()};
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Test
    public void likeAndBuyClicksLandInAnalyticsAndTheStudioSeesSales() {
        String[] host = signIn(studio, "Shop Owner");
        String id = server.api.post("/api/v1/streams", host[0], Map.of("title", "Sneaker drop")).expect(201).get("id").asText();
        server.api.post("/api/v1/streams/" + id + "/start", host[0], Map.of()).expect(200);
        String item = server.api.post("/api/v1/streams/" + id + "/featured", host[0], Map.of("title", "Runner 2",
                "url", "https://shop.example/runner-2", "price", 89.9, "currency", "EUR")).expect(201).get("id").asText();

        String[] fan = signIn(viewer, "Fan Fiona");
        viewer.open(server.baseUrl() + "/watch/" + id);
        viewer.waitFor("window.watch && !document.getElementById('featured').hidden"
                + " && document.getElementById('featured-title').textContent === 'Runner 2'", WAIT);
        viewer.waitFor("window.watchSocket && window.watchSocket.connected", WAIT);

        // the like button: pressed, the count shows it, and the owner's analytics has it
        viewer.driver().findElement(By.id("like")).click();
        viewer.waitFor("document.getElementById('like-count').textContent === '1'"
                + " && document.getElementById('like').getAttribute('aria-pressed') === 'true'", WAIT);

        // the buy link: opens the shop in a new tab and counts a click-through
        String watchWindow = viewer.currentWindow();
        viewer.driver().findElement(By.id("featured-link")).click();
        viewer.switchTo(watchWindow);
        viewer.waitFor("window.watch.clicks === 1", WAIT);

        long until = System.currentTimeMillis() + WAIT.toMillis();
        JsonNode a = null;
        while (System.currentTimeMillis() < until) {
            a = server.api.get("/api/v1/streams/" + id + "/analytics", host[0]).expect(200);
            if (a.get("likes").asInt() == 1 && a.get("featuredClicks").asInt() == 1) {
                break;
            }
            sleep(200);
        }
        assertEquals(a.get("likes").asInt(), 1, a.toString());
        assertEquals(a.get("featuredClicks").asInt(), 1, a.toString());
        assertEquals(a.get("featuredItems").get(0).get("id").asText(), item);
        assertEquals(a.get("featuredItems").get(0).get("uniqueClickers").asInt(), 1);

        // the studio shows revenue and orders live
        studio.open(server.baseUrl() + "/studio");
        studio.waitFor("window.studio && window.studio.ready && window.studio.streamId === '" + id + "'", WAIT);
        studio.waitFor("document.getElementById('s-orders').textContent === '0'", WAIT);
        server.api.post("/api/v1/streams/" + id + "/sales", host[0], Map.of("orderId", "web-1", "amount", 89.9,
                "currency", "EUR", "quantity", 1, "buyerId", fan[1])).expect(201);
        studio.waitFor("document.getElementById('s-orders').textContent === '1'", WAIT);
        assertEquals(studio.eval("document.getElementById('s-revenue').textContent"), "89.90 EUR");
        // and the watch page pulses "Sold!"
        viewer.waitFor("!document.getElementById('sold').hidden && document.getElementById('featured').classList.contains('pulse')", WAIT);

        // a moderator bans from a chat message's menu
        server.api.post("/api/v1/streams/" + id + "/comments", fan[0], Map.of("content", "buy buy buy")).expect(201);
        studio.waitFor("[...document.querySelectorAll('#chat li')].some(li => li.dataset.user === '" + fan[1]
                + "' && li.querySelector('button.ban'))", WAIT);
        studio.eval("[...document.querySelectorAll('#chat li')].find(li => li.dataset.user === '" + fan[1]
                + "').querySelector('button.ban').click()");
        until = System.currentTimeMillis() + WAIT.toMillis();
        int bans = 0;
        while (bans == 0 && System.currentTimeMillis() < until) {
            bans = server.api.get("/api/v1/streams/" + id + "/bans", host[0]).expect(200).get("items").size();
            sleep(200);
        }
        assertEquals(bans, 1);
        assertEquals(server.api.get("/api/v1/streams/" + id + "/bans", host[0]).expect(200).get("items").get(0)
                .get("userId").asText(), fan[1]);
        viewer.waitFor("window.watch.errors.includes('BANNED')", WAIT);
        server.api.post("/api/v1/streams/" + id + "/comments", fan[0], Map.of("content", "again")).expectError(403, "BANNED");
        assertTrue(((String) studio.eval("document.querySelector('#chat .notice').textContent")).contains("banned"));
        viewer.screenshot("watch-shopping-1280x800");
        studio.screenshot("studio-sales-1280x800");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
