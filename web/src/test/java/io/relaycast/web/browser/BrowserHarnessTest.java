package io.relaycast.web.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.openqa.selenium.JavascriptException;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;
import static org.testng.Assert.fail;

/** Proves the harness against a real Chromium: WebRTC media, stats, screenshots, console capture. */
public class BrowserHarnessTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private HttpServer http;
    private Browser browser;
    private String base;

    @BeforeClass
    public void start() throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/", BrowserHarnessTest::serveTestResource);
        http.start();
        base = "http://127.0.0.1:" + http.getAddress().getPort();
        browser = Browser.start();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (browser != null) {
            browser.close();
        }
        if (http != null) {
            http.stop(0);
        }
    }

    @Test
    public void loopbackMediaFlowsAndShowsInStats() throws InterruptedException {
        browser.open(base + "/loopback.html");
        browser.waitFor("window.pc2 && pc2.connectionState === 'connected'", Duration.ofSeconds(15));

        WebRtcStats before = WebRtcStats.read(browser, "pc2");
        Thread.sleep(3000);
        WebRtcStats after = WebRtcStats.read(browser, "pc2");

        // the fake camera runs at 30 fps, ~90 frames in 3 s (60 seen on a busy 2-core machine); 20 still proves continuous decoding
        long decoded = after.videoFramesDecoded() - before.videoFramesDecoded();
        assertTrue(decoded >= 20, "frames decoded in 3 s: " + decoded + " (" + before + " -> " + after + ")");
        assertTrue(after.videoFramesPerSecond() > 0, after.toString());
        assertTrue(after.audioPacketsReceived() > before.audioPacketsReceived(), before + " -> " + after);
        assertTrue(after.audioSamplesReceived() > 0, after.toString());
        assertEquals(after.localCandidateType(), "host", after.toString());
        assertEquals(after.remoteCandidateType(), "host", after.toString());

        WebRtcStats sender = WebRtcStats.read(browser, "pc1");
        assertNotNull(sender.availableOutgoingBitrate(), sender.toString());
        assertTrue(sender.availableOutgoingBitrate() > 0, sender.toString());
        assertTrue(browser.consoleLog().stream().anyMatch(line -> line.contains("loopback negotiated")),
                "console.log output of the page: " + browser.consoleLog());
    }

    @Test
    public void screenshotsArePngsOfTheViewport() throws IOException {
        browser.open(base + "/loopback.html");
        assertPng(browser.screenshot("harness-desktop"), Viewport.DESKTOP);

        browser.setViewport(Viewport.PHONE);
        try {
            assertEquals(browser.eval("window.innerWidth"), 390L);
            assertPng(browser.screenshot("harness-phone"), Viewport.PHONE);
        } finally {
            browser.setViewport(Viewport.DESKTOP);
        }
    }

    @Test
    public void pageErrorsReachTheConsoleLogAndWaitForFailures() {
        browser.open(base + "/loopback.html");
        String marker = "deliberate harness error " + System.nanoTime();
        // thrown from a timer so that it is an uncaught page error, not an error of our script
        browser.eval("setTimeout(() => { throw new Error('" + marker + "'); }, 0)");
        awaitConsoleLine(marker, Duration.ofSeconds(5));

        AssertionError failure = expectThrows(AssertionError.class,
                () -> browser.waitFor("window.neverSet === true", Duration.ofMillis(300)));
        assertTrue(failure.getMessage().contains("window.neverSet === true"), failure.getMessage());
        assertTrue(failure.getMessage().contains(marker), failure.getMessage());
    }

    @Test
    public void scriptsReturnJsonAbleValuesAndPageErrors() {
        browser.open(base + "/loopback.html");
        assertEquals(browser.executeAsync("arguments[arguments.length - 1](arguments[0] + arguments[1])", 2, 3), 5L);
        assertEquals(browser.eval("Promise.resolve({ answer: 6 * 7, list: ['a'] })"),
                java.util.Map.of("answer", 42L, "list", List.of("a")));
        JavascriptException e = expectThrows(JavascriptException.class,
                () -> browser.eval("Promise.reject(new Error('rejected on purpose'))"));
        assertTrue(e.getMessage().contains("rejected on purpose"), e.getMessage());
    }

    private void awaitConsoleLine(String text, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (browser.consoleLog().stream().anyMatch(line -> line.contains(text))) {
                return;
            }
            sleepQuietly();
        }
        fail("no console line containing '" + text + "' within " + timeout + ": " + browser.consoleLog());
    }

    private static void assertPng(Path file, Viewport expected) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertTrue(bytes.length > PNG_SIGNATURE.length
                && Arrays.equals(Arrays.copyOf(bytes, PNG_SIGNATURE.length), PNG_SIGNATURE), file + " is not a PNG");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " could not be decoded");
        assertEquals(image.getWidth() + "x" + image.getHeight(), expected.width() + "x" + expected.height(), file.toString());
    }

    private static void serveTestResource(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = BrowserHarnessTest.class.getResourceAsStream(
                "/browser" + exchange.getRequestURI().getPath())) {
            if (in == null || exchange.getRequestURI().getPath().contains("..")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = in.readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
