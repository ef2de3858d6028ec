package io.relaycast.web.browser;

import java.time.Duration;
import java.util.List;

/**
 * What the end-to-end tests ask of a browser, whichever one drives the page: Chromium through chromedriver
 * ({@link Browser}) or Firefox ESR over WebDriver BiDi ({@link FirefoxBidi}). Windows are named by opaque handles;
 * {@link #eval}, {@link #executeAsync} and {@link #waitFor} act on the current one.
 *
 * <p>Values come back as Selenium hands them out, whichever the browser: numbers as Long or Double, objects as Map,
 * arrays as List. A thrown error or rejected promise is an {@link org.openqa.selenium.JavascriptException}, a script
 * that never finishes an {@link org.openqa.selenium.ScriptTimeoutException}.
 */
public interface WebBrowser extends AutoCloseable {

    /** "chromium" or "firefox", for messages. */
    String name();

    /** Loads {@code url} in the current window. */
    void open(String url);

    /** Opens {@code url} in a new window, makes it current and returns its handle. */
    String openWindow(String url);

    /** Makes the window with this handle current. */
    void switchTo(String windowHandle);

    String currentWindow();

    void reload();

    /** Closes the window (its page and peer connections go with it); another one becomes current. */
    void closeWindow(String windowHandle);

    /**
     * Runs {@code script} as an async function body: the arguments are {@code arguments[0..n-1]} and the last
     * argument is the callback that ends it with a JSON-able result. Fails if it is not called within {@code timeout}.
     */
    Object executeAsync(Duration timeout, String script, Object... args);

    /** {@link #executeAsync(Duration, String, Object...)} with a 10 s timeout. */
    default Object executeAsync(String script, Object... args) {
        return executeAsync(Duration.ofSeconds(10), script, args);
    }

    /** The value of a JS expression, awaited if it is a promise. */
    Object eval(String expression);

    /**
     * Polls {@code jsCondition} until it is truthy; on timeout an {@link AssertionError} with the last JS error and
     * the page's console log.
     */
    void waitFor(String jsCondition, Duration timeout);

    /** Every console message and uncaught page error so far, as "LEVEL message", oldest first. */
    List<String> consoleLog();

    /** Ends the browser and deletes its profile. Safe to call twice. */
    @Override
    void close();
}
