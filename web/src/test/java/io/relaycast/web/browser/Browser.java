package io.relaycast.web.browser;

import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.ScriptTimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.remote.RemoteWebDriver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

/**
 * One headless Chromium driven through Selenium, for end-to-end tests of pages and WebRTC.
 *
 * <p>Always the Debian {@code chromium} + {@code chromedriver} pair, given explicitly, so Selenium
 * Manager is never consulted (it would try to download a driver and the test network is closed).
 * Each browser gets its own throw-away profile directory. Close it (try-with-resources or an
 * {@code @AfterClass}) or a Chromium process outlives the test.
 */
public final class Browser implements WebBrowser {
    private static final Duration DEFAULT_SCRIPT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PAGE_LOAD_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Path SCREENSHOT_DIR = Path.of("target", "screenshots");

    /** Null for a browser driven by a chromedriver we did not start (see {@link #remote}). */
    private final ChromeDriverService service;
    private final RemoteWebDriver driver;
    private final Path profileDir;
    /** Chromedriver hands each log entry out only once, so everything read is kept here. */
    private final List<String> console = new ArrayList<>();
    private Viewport viewport;

    private Browser(ChromeDriverService service, RemoteWebDriver driver, Path profileDir) {
        this.service = service;
        this.driver = driver;
        this.profileDir = profileDir;
    }

    /** A browser with the {@link Viewport#DESKTOP} viewport. */
    public static Browser start() {
        return start(Viewport.DESKTOP);
    }

    public static Browser start(Viewport viewport) {
        BrowserAvailability.require();
        // Only read if Selenium Manager were ever started (it copies SE_* properties into its
        // environment); with the driver given explicitly it is not, this keeps it offline regardless.
        System.setProperty("SE_OFFLINE", "true");
        Path profile = createProfileDir();
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(BrowserAvailability.CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = null;
        try {
            driver = new ChromeDriver(service, options(profile, viewport));
            driver.manage().timeouts().pageLoadTimeout(PAGE_LOAD_TIMEOUT);
            Browser browser = new Browser(service, driver, profile);
            browser.setViewport(viewport);
            return browser;
        } catch (RuntimeException | Error e) {
            if (driver != null) {
                driver.quit();
            }
            if (service != null) {
                service.stop();
            }
            deleteRecursively(profile);
            throw e;
        }
    }

    /**
     * A browser driven through a chromedriver that already runs elsewhere, e.g. inside a network namespace
     * ({@code ip netns exec NS chromedriver --port=P --allowed-ips=...}) so the browser sees only that
     * namespace's network. Same flags and throw-away profile as {@link #start}; viewport emulation is not
     * available (the window size still applies).
     */
    public static Browser remote(java.net.URL chromedriver) {
        BrowserAvailability.require();
        Path profile = createProfileDir();
        try {
            RemoteWebDriver driver = new RemoteWebDriver(chromedriver, options(profile, Viewport.DESKTOP));
            driver.manage().timeouts().pageLoadTimeout(PAGE_LOAD_TIMEOUT);
            Browser b = new Browser(null, driver, profile);
            b.viewport = Viewport.DESKTOP;
            return b;
        } catch (RuntimeException | Error e) {
            deleteRecursively(profile);
            throw e;
        }
    }

    private static ChromeOptions options(Path profile, Viewport viewport) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BrowserAvailability.CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                // containers run as root, where the sandbox cannot start
                "--no-sandbox",
                "--disable-gpu",
                // Docker's default /dev/shm is 64 MB; Chromium crashes renderers when it fills up
                "--disable-dev-shm-usage",
                "--disable-quic",
                // nothing should talk to Google: the network is closed and it would only add noise
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                // a synthetic camera (moving pattern) and microphone (beep), permission auto-granted
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                // lets ICE use 127.0.0.1, which is what the SFU tests listen on
                "--allow-loopback-in-peer-connection",
                "--autoplay-policy=no-user-gesture-required",
                // several pages in one browser (a publisher and its viewers): windows that are not in front
                // must keep running timers, decoding video and rendering as if they were
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                "--window-size=" + viewport.width() + "," + viewport.height(),
                "--user-data-dir=" + profile.toAbsolutePath());
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        return options;
    }

    @Override
    public String name() {
        return "chromium";
    }

    /** The underlying driver, for element lookups and anything this class does not wrap. */
    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /**
     * Opens {@code url} in a new window of this browser and makes it current; returns its handle for
     * {@link #switchTo}. Each window is its own page (own JS globals, own peer connections).
     */
    public String openWindow(String url) {
        driver.switchTo().newWindow(WindowType.WINDOW);
        driver.get(url);
        return driver.getWindowHandle();
    }

    /** Makes the window with this handle current: {@link #eval}, {@link #waitFor} and the rest then act on it. */
    public void switchTo(String windowHandle) {
        if (!windowHandle.equals(driver.getWindowHandle())) {
            driver.switchTo().window(windowHandle);
        }
    }

    /** The current window's handle. */
    public String currentWindow() {
        return driver.getWindowHandle();
    }

    /** Reloads the current window's page. */
    public void reload() {
        driver.navigate().refresh();
    }

    /** Closes the window with this handle (its page and peer connections go with it). */
    public void closeWindow(String windowHandle) {
        switchTo(windowHandle);
        driver.close();
        for (String other : driver.getWindowHandles()) {
            driver.switchTo().window(other);
            return;
        }
    }

    /**
     * Runs {@code script} as an async function body: the arguments are {@code arguments[0..n-1]}
     * and the last argument is the callback that ends it with a JSON-able result (numbers come back
     * as Long or Double, objects as Map, arrays as List). Fails if the callback is not called within
     * {@code timeout}.
     */
    public Object executeAsync(Duration timeout, String script, Object... args) {
        driver.manage().timeouts().scriptTimeout(timeout);
        return driver.executeAsyncScript(script, args);
    }

    /** {@link #executeAsync(Duration, String, Object...)} with a 10 s timeout. */
    public Object executeAsync(String script, Object... args) {
        return executeAsync(DEFAULT_SCRIPT_TIMEOUT, script, args);
    }

    /**
     * The value of a JS expression, awaited if it is a promise. A thrown error or rejected promise
     * becomes a {@link JavascriptException} carrying the page's message.
     *
     * <p>The expression is compiled into the script rather than passed to the page's {@code eval},
     * so it also works on pages whose Content-Security-Policy forbids {@code unsafe-eval}.
     */
    public Object eval(String expression) {
        String script = "const done = arguments[arguments.length - 1];\n"
                + "Promise.resolve().then(() => (\n" + expression + "\n))\n"
                + "  .then(value => done({ ok: value === undefined ? null : value }),\n"
                + "        e => done({ error: String(e && e.stack || e) }));";
        @SuppressWarnings("unchecked")
        Map<String, Object> outcome = (Map<String, Object>) executeAsync(script);
        if (outcome.containsKey("error")) {
            throw new JavascriptException("eval(" + expression + ") threw: " + outcome.get("error"));
        }
        return outcome.get("ok");
    }

    /**
     * Polls {@code jsCondition} (an expression, may be a promise) until it is truthy. On timeout
     * throws an {@link AssertionError} with the last JS error, if any, and the page's console log,
     * which is usually where the reason is.
     */
    public void waitFor(String jsCondition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String lastError = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(eval("!!(" + jsCondition + ")"))) {
                    return;
                }
                lastError = null;
            } catch (JavascriptException e) {
                // e.g. a variable the page has not created yet: keep waiting, but report it
                lastError = e.getMessage();
            } catch (ScriptTimeoutException e) {
                // the page navigated (a reload, a sign-in) while the check ran: its callback died with the
                // old document, so the driver only gives up at the script timeout. Ask the new page.
                lastError = "the page did not answer (navigating?): " + e.getMessage().lines().findFirst().orElse("");
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for `" + jsCondition + "` on "
                        + driver.getCurrentUrl()
                        + (lastError == null ? "" : "\nlast evaluation error: " + lastError)
                        + "\nbrowser console:\n" + String.join("\n", consoleLog()));
            }
            sleep(POLL_INTERVAL);
        }
    }

    /** Every console message and uncaught page error so far, as "LEVEL message", oldest first. */
    public List<String> consoleLog() {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            console.add(entry.getLevel() + " " + entry.getMessage());
        }
        return List.copyOf(console);
    }

    /** Saves a PNG of the viewport as target/screenshots/{name}.png and returns its path. */
    public Path screenshot(String name) {
        Path file = SCREENSHOT_DIR.resolve(name.endsWith(".png") ? name : name + ".png");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write screenshot " + file, e);
        }
        return file;
    }

    /**
     * Emulates a viewport through CDP rather than resizing the window: in headless mode the window
     * size does not translate exactly into the page's size, the emulated metrics do.
     */
    public void setViewport(Viewport viewport) {
        if (!(driver instanceof org.openqa.selenium.chromium.HasCdp cdp)) {
            throw new UnsupportedOperationException("viewport emulation needs a local chromedriver");
        }
        cdp.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of(
                "width", viewport.width(),
                "height", viewport.height(),
                "deviceScaleFactor", 1,
                "mobile", viewport.mobile()));
        this.viewport = viewport;
    }

    public Viewport viewport() {
        return viewport;
    }

    /** Ends Chromium and chromedriver and deletes the profile. Safe to call twice. */
    @Override
    public void close() {
        try {
            driver.quit();
        } catch (WebDriverException e) {
            // the browser may already have crashed; stopping the service below still ends chromedriver
        } finally {
            if (service != null) {
                service.stop();
            }
            deleteRecursively(profileDir);
        }
    }

    private static Path createProfileDir() {
        try {
            return Files.createTempDirectory("relaycast-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a Chromium profile directory", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp profile is not worth failing a test over
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }
}
