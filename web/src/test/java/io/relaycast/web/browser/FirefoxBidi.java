package io.relaycast.web.browser;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.JavascriptException;
import org.openqa.selenium.ScriptTimeoutException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One headless Firefox ESR driven over WebDriver BiDi, for end-to-end tests of pages and WebRTC in a second engine.
 *
 * <p>Debian packages {@code firefox-esr} but no geckodriver, and Firefox speaks BiDi itself: we start it with
 * {@code --remote-debugging-port} and a fresh profile ({@link FirefoxProfile}), read the
 * {@code WebDriver BiDi listening on ws://…} line it prints, and open a session on {@code /session}
 * ({@code session.new}). Windows are top-level browsing contexts; scripts run with {@code script.callFunction}
 * ({@code awaitPromise}) in the page's own realm, and results cross as JSON text, so they come back as the same
 * Long/Double/Map/List values Selenium gives for Chromium. Console messages and page errors arrive as
 * {@code log.entryAdded} events. Close it (try-with-resources or an {@code @AfterClass}).
 */
public final class FirefoxBidi implements WebBrowser {
    public static final Path FIREFOX = Path.of("/usr/bin/firefox-esr");
    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration COMMAND = Duration.ofSeconds(30);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    private static final ObjectMapper VALUES = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private final Process process;
    private final Path profile;
    private final BidiConnection bidi;
    /** Console entries, oldest first; appended on the WebSocket thread, guarded by itself. */
    private final List<String> console;
    /** Firefox's own output (stderr/stdout), the last lines kept for failure messages. */
    private final List<String> output;
    private String context;

    private FirefoxBidi(Process process, Path profile, BidiConnection bidi, List<String> output, List<String> console) {
        this.process = process;
        this.console = console;
        this.profile = profile;
        this.bidi = bidi;
        this.output = output;
    }

    /** Throws, with the apt package to install, unless firefox-esr is present (see {@link BrowserAvailability}). */
    public static void require() {
        if (!Files.isExecutable(FIREFOX)) {
            throw new AssertionError("Firefox browser tests need " + FIREFOX + " (Debian package firefox-esr). "
                    + "Install with: apt-get install -y firefox-esr (./run-tests does this when run as root).");
        }
    }

    public static FirefoxBidi start() {
        require();
        Path profile = FirefoxProfile.create();
        Process process = null;
        try {
            int port = freePort();
            process = new ProcessBuilder(FIREFOX.toString(), "--headless", "--no-remote",
                    "--remote-debugging-port=" + port, "--profile", profile.toString(), "about:blank")
                    .redirectErrorStream(true)
                    .start();
            List<String> output = new ArrayList<>();
            CompletableFuture<String> url = new CompletableFuture<>();
            Process p = process;
            Thread reader = new Thread(() -> readOutput(p, output, url), "firefox-output");
            reader.setDaemon(true);
            reader.start();
            String ws;
            try {
                ws = url.get(STARTUP.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new AssertionError("Firefox did not start WebDriver BiDi within " + STARTUP.toSeconds()
                        + " s (" + e + "); its output:\n" + lastLines(output), e);
            }
            List<String> console = new ArrayList<>();
            BidiConnection bidi = BidiConnection.open(URI.create(ws + "/session"),
                    event -> onEvent(event, console), STARTUP);
            FirefoxBidi firefox = new FirefoxBidi(process, profile, bidi, output, console);
            firefox.init();
            return firefox;
        } catch (IOException e) {
            deleteRecursively(profile);
            throw new UncheckedIOException("could not start " + FIREFOX, e);
        } catch (RuntimeException | Error e) {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            deleteRecursively(profile);
            throw e;
        }
    }

    private void init() {
        bidi.send("session.new", Map.of("capabilities", Map.of()), STARTUP);
        bidi.send("session.subscribe", Map.of("events", List.of("log.entryAdded")), COMMAND);
        JsonNode tree = bidi.send("browsingContext.getTree", Map.of("maxDepth", 0), COMMAND);
        context = tree.path("contexts").get(0).path("context").asText();
    }

    private static void onEvent(JsonNode event, List<String> console) {
        if ("log.entryAdded".equals(event.path("method").asText())) {
            JsonNode e = event.path("params");
            String where = e.path("type").asText().equals("javascript") ? " (uncaught)" : "";
            synchronized (console) {
                console.add(e.path("level").asText().toUpperCase() + where + " " + e.path("text").asText());
            }
        }
    }

    @Override
    public String name() {
        return "firefox";
    }

    @Override
    public void open(String url) {
        bidi.send("browsingContext.navigate", Map.of("context", context, "url", url, "wait", "complete"), COMMAND);
    }

    @Override
    public String openWindow(String url) {
        context = bidi.send("browsingContext.create", Map.of("type", "window"), COMMAND).path("context").asText();
        open(url);
        return context;
    }

    @Override
    public void switchTo(String windowHandle) {
        // BiDi addresses every command to a context: "current" is only ours (no focus change in the browser)
        context = windowHandle;
    }

    @Override
    public String currentWindow() {
        return context;
    }

    @Override
    public void reload() {
        bidi.send("browsingContext.reload", Map.of("context", context, "wait", "complete"), COMMAND);
    }

    @Override
    public void closeWindow(String windowHandle) {
        bidi.send("browsingContext.close", Map.of("context", windowHandle), COMMAND);
        JsonNode contexts = bidi.send("browsingContext.getTree", Map.of("maxDepth", 0), COMMAND).path("contexts");
        if (windowHandle.equals(context) && contexts.size() > 0) {
            context = contexts.get(0).path("context").asText();
        }
    }

    @Override
    public Object executeAsync(Duration timeout, String script, Object... args) {
        String argsJson;
        try {
            argsJson = VALUES.writeValueAsString(args);
        } catch (IOException e) {
            throw new IllegalArgumentException("arguments are not JSON-able", e);
        }
        // Selenium's executeAsyncScript contract: the body sees arguments[0..n-1] and, last, the callback. The
        // result crosses as JSON text; a body that never calls back ends with the timeout marker instead.
        String function = "function (argsJson, timeoutMs) {\n"
                + "  return new Promise((resolve, reject) => {\n"
                + "    const timer = setTimeout(() => resolve('{\"timeout\":true}'), timeoutMs);\n"
                + "    const done = (v) => { clearTimeout(timer); resolve(JSON.stringify({ ok: v === undefined ? null : v })); };\n"
                + "    try { (function () {\n" + script + "\n}).apply(this, [...JSON.parse(argsJson), done]); }\n"
                + "    catch (e) { clearTimeout(timer); reject(e); }\n"
                + "  });\n"
                + "}";
        JsonNode result = callFunction(function, List.of(
                Map.of("type", "string", "value", argsJson),
                Map.of("type", "number", "value", timeout.toMillis())), timeout.plusSeconds(5));
        Map<String, Object> outcome = parse(result);
        if (Boolean.TRUE.equals(outcome.get("timeout"))) {
            throw new ScriptTimeoutException("script did not call back within " + timeout.toMillis() + " ms");
        }
        return outcome.get("ok");
    }

    @Override
    public Object eval(String expression) {
        String function = "function () {\n"
                + "  return Promise.resolve().then(() => (\n" + expression + "\n))\n"
                + "    .then(v => JSON.stringify({ ok: v === undefined ? null : v }),\n"
                + "          e => JSON.stringify({ error: String(e && e.stack || e) }));\n"
                + "}";
        Map<String, Object> outcome = parse(callFunction(function, List.of(), COMMAND));
        if (outcome.containsKey("error")) {
            throw new JavascriptException("eval(" + expression + ") threw: " + outcome.get("error"));
        }
        return outcome.get("ok");
    }

    /** {@code script.callFunction} in the current window's page realm; the function must resolve to a string. */
    private JsonNode callFunction(String function, List<Map<String, Object>> arguments, Duration timeout) {
        JsonNode r;
        try {
            r = bidi.send("script.callFunction", Map.of(
                    "functionDeclaration", function,
                    "awaitPromise", true,
                    "target", Map.of("context", context),
                    "arguments", arguments,
                    "userActivation", true,
                    "resultOwnership", "none"), timeout);
        } catch (BidiConnection.BidiException e) {
            if (e.timedOut()) {
                throw new ScriptTimeoutException(e.getMessage());
            }
            // e.g. the document went away while the script ran (a reload, a navigation)
            throw new JavascriptException(e.getMessage());
        }
        if ("exception".equals(r.path("type").asText())) {
            JsonNode details = r.path("exceptionDetails");
            throw new JavascriptException(details.path("text").asText() + " at line "
                    + details.path("lineNumber").asText());
        }
        JsonNode value = r.path("result");
        if (!"string".equals(value.path("type").asText())) {
            throw new JavascriptException("expected a JSON string from the page, got " + value);
        }
        return value.path("value");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(JsonNode jsonText) {
        try {
            return VALUES.readValue(jsonText.asText(), Map.class);
        } catch (IOException e) {
            throw new JavascriptException("unreadable result " + jsonText + ": " + e.getMessage());
        }
    }

    @Override
    public void waitFor(String jsCondition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        String lastError = null;
        while (true) {
            try {
                if (Boolean.TRUE.equals(eval("!!(" + jsCondition + ")"))) {
                    return;
                }
                lastError = null;
            } catch (JavascriptException | ScriptTimeoutException e) {
                // a variable the page has not created yet, or a page that navigated while we asked: keep waiting
                lastError = e.getMessage();
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for `" + jsCondition + "` in Firefox"
                        + (lastError == null ? "" : "\nlast evaluation error: " + lastError)
                        + "\nbrowser console:\n" + String.join("\n", consoleLog()));
            }
            sleep(POLL_INTERVAL);
        }
    }

    @Override
    public List<String> consoleLog() {
        synchronized (console) {
            return List.copyOf(console);
        }
    }

    /** Firefox's own recent output (startup errors, crashes), for failure messages. */
    public String processOutput() {
        return lastLines(output);
    }

    @Override
    public void close() {
        try {
            if (!bidi.isClosed()) {
                try {
                    bidi.send("session.end", Map.of(), Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    // the browser may already be gone; it is stopped below regardless
                }
            }
            bidi.close();
        } finally {
            // content processes are children of the main one: remember them before it goes, end any it leaves
            List<ProcessHandle> children = process.descendants().toList();
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            children.forEach(ProcessHandle::destroyForcibly);
            deleteRecursively(profile);
        }
    }

    private static void readOutput(Process p, List<String> output, CompletableFuture<String> url) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (output) {
                    output.add(line);
                    if (output.size() > 200) {
                        output.remove(0);
                    }
                }
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    url.complete(m.group(1));
                }
            }
        } catch (IOException e) {
            // the process ended
        }
        url.completeExceptionally(new IllegalStateException("Firefox exited with " + exitCode(p)));
    }

    private static String exitCode(Process p) {
        try {
            return p.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(p.exitValue()) : "(still running)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static String lastLines(List<String> output) {
        synchronized (output) {
            return String.join("\n", output.subList(Math.max(0, output.size() - 40), output.size()));
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
