package io.relaycast.web.browser;

import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.ScriptTimeoutException;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

/**
 * Proves the Firefox harness against a real firefox-esr: values come back as Selenium's would, promises are awaited,
 * page errors and timeouts surface as the same exceptions, windows are separate pages, the console is captured, and
 * the fake camera and microphone work without a prompt.
 */
public class FirefoxBidiBrowserTest {
    private FirefoxBidi firefox;

    @BeforeClass
    public void start() {
        firefox = FirefoxBidi.start();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (firefox != null) {
            firefox.close();
        }
    }

    private static String page(String html) {
        return "data:text/html;charset=utf-8," + URLEncoder.encode(html, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Test
    public void valuesComeBackAsSeleniumWouldHandThemOut() {
        firefox.open(page("<title>t</title><p id=x>hello</p>"));
        assertEquals(firefox.eval("1 + 2"), 3L);
        assertEquals(firefox.eval("0.5"), 0.5);
        assertEquals(firefox.eval("document.getElementById('x').textContent"), "hello");
        assertEquals(firefox.eval("[1, 'a', true, null]"), java.util.Arrays.asList(1L, "a", true, null));
        assertEquals(firefox.eval("({ a: { b: [2] } })"), Map.of("a", Map.of("b", List.of(2L))));
        assertEquals(firefox.eval("undefined"), null);
        assertEquals(firefox.eval("new Promise(r => setTimeout(() => r('later'), 200))"), "later");
        assertEquals(firefox.executeAsync("arguments[arguments.length - 1](arguments[0] + arguments[1])", 40, 2), 42L);
        assertTrue(((String) firefox.eval("navigator.userAgent")).contains("Firefox"));
    }

    @Test
    public void errorsAndTimeoutsSurfaceAsSeleniumExceptions() {
        firefox.open(page("<p>errors</p>"));
        JavascriptException thrown = expectThrows(JavascriptException.class, () -> firefox.eval("nope.nothing"));
        assertTrue(thrown.getMessage().contains("nope"), thrown.getMessage());
        JavascriptException rejected = expectThrows(JavascriptException.class,
                () -> firefox.eval("Promise.reject(new Error('refused on purpose'))"));
        assertTrue(rejected.getMessage().contains("refused on purpose"), rejected.getMessage());
        expectThrows(ScriptTimeoutException.class, () -> firefox.executeAsync(Duration.ofMillis(300), "/* never calls back */"));
        AssertionError timeout = expectThrows(AssertionError.class, () -> firefox.waitFor("window.neverSet", Duration.ofMillis(400)));
        assertTrue(timeout.getMessage().contains("window.neverSet"), timeout.getMessage());
    }

    @Test
    public void consoleMessagesAndPageErrorsAreCaptured() throws InterruptedException {
        firefox.open(page("<script>console.log('hello from the page'); setTimeout(() => { throw new Error('boom') });</script>"));
        firefox.waitFor("true", Duration.ofSeconds(1));
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline
                && !String.join("\n", firefox.consoleLog()).contains("boom")) {
            Thread.sleep(50);
        }
        String log = String.join("\n", firefox.consoleLog());
        assertTrue(log.contains("hello from the page"), log);
        assertTrue(log.contains("boom"), log);
    }

    @Test
    public void windowsAreSeparatePages() {
        String first = firefox.openWindow(page("<script>window.which = 'first'</script>"));
        String second = firefox.openWindow(page("<script>window.which = 'second'</script>"));
        assertNotEquals(first, second);
        assertEquals(firefox.eval("window.which"), "second");
        firefox.switchTo(first);
        assertEquals(firefox.eval("window.which"), "first");
        firefox.eval("window.which = 'changed'");
        firefox.reload();
        assertEquals(firefox.eval("window.which"), "first", "a reload runs the page again");
        firefox.closeWindow(first);
        firefox.switchTo(second);
        assertEquals(firefox.eval("window.which"), "second");
        firefox.closeWindow(second);
    }

    @Test
    public void theFakeCameraAndMicrophoneNeedNoPrompt() throws Exception {
        // getUserMedia needs a secure context: a data: URL is not one, http://127.0.0.1 is
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = "<!doctype html><p>media</p>".getBytes(StandardCharsets.UTF_8);
        http.createContext("/", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        http.start();
        try {
            firefox.open("http://127.0.0.1:" + http.getAddress().getPort() + "/");
            assertFakeMedia();
        } finally {
            http.stop(0);
        }
    }

    private void assertFakeMedia() {
        @SuppressWarnings("unchecked")
        Map<String, Object> tracks = (Map<String, Object>) firefox.eval(
                "navigator.mediaDevices.getUserMedia({ audio: true, video: true }).then(s => ({"
                        + " kinds: s.getTracks().map(t => t.kind).sort(),"
                        + " live: s.getTracks().every(t => t.readyState === 'live') }))");
        assertEquals(tracks.get("kinds"), List.of("audio", "video"));
        assertEquals(tracks.get("live"), true);
    }
}
