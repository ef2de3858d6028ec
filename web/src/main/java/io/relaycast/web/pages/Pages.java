package io.relaycast.web.pages;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The browser pages (plain HTML + ES modules, no build step, no Node at run time): the directory at {@code /},
 * the studio and its analytics page, the watch page, the VOD page and the embeddable player; their assets under
 * {@code /assets}, hls.js from its WebJar, and the browser SDK under {@code /sdk} (the ES modules the pages
 * import too).
 *
 * <p>Framing: every page is {@code frame-ancestors 'self'} and {@code X-Frame-Options: SAMEORIGIN} (clickjacking:
 * the studio's "End stream" must not be clickable through another site's frame), except {@code /embed/{id}},
 * which the sites in {@link EmbedConfig} may frame and which holds no action beyond play, pause, mute and quality.
 */
public final class Pages {
    /** The hls.js WebJar version (the root pom's hlsjs.version). */
    static final String HLS_JS = "META-INF/resources/webjars/hls.js/1.4.12/dist/hls.min.js";
    /** The uPlot WebJar (the root pom's uplot.version): the analytics page's charts. */
    static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final Map<String, String> TYPES = Map.of("js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8", "html", "text/html; charset=utf-8");
    /**
     * Pages talk to our API (same origin), Socket.IO (another port, so any ws/http origin of this host) and
     * load media from blob: (MSE) and same-origin HLS/VOD URLs.
     */
    private static final String CSP_BASE = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data: blob:; "
            + "media-src 'self' blob: https:; connect-src 'self' ws: wss: http: https:; object-src 'none'; base-uri 'none'; frame-ancestors ";
    private static final String CSP = CSP_BASE + "'self'";
    /** An SDK file name: a closed set of plain names, no path traversal into the classpath. */
    private static final java.util.regex.Pattern SDK_FILE = java.util.regex.Pattern.compile("[a-z0-9-]+\\.js");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();
    private final String embedCsp;

    private Pages(EmbedConfig embed) {
        this.embedCsp = CSP_BASE + embed.directive();
    }

    public static void register(Javalin app, EmbedConfig embed) {
        new Pages(embed).routes(app);
    }

    private void routes(Javalin app) {
        app.get("/", ctx -> page(ctx, "index.html"));
        app.get("/studio", ctx -> page(ctx, "studio.html"));
        app.get("/watch/{streamId}", ctx -> page(ctx, "watch.html"));
        app.get("/vod/{recordingId}", ctx -> page(ctx, "vod.html"));
        app.get("/studio/analytics/{streamId}", ctx -> page(ctx, "analytics.html"));
        app.get("/embed/{streamId}", this::embed);
        app.get("/sdk/{file}", this::sdk);
        app.get("/assets/vendor/hls.min.js", ctx -> asset(ctx, HLS_JS, "js"));
        app.get("/assets/vendor/uplot.min.js", ctx -> asset(ctx, UPLOT + "uPlot.iife.min.js", "js"));
        app.get("/assets/vendor/uplot.min.css", ctx -> asset(ctx, UPLOT + "uPlot.min.css", "css"));
        app.get("/assets/{kind}/{file}", ctx -> {
            String kind = ctx.pathParam("kind");
            String file = ctx.pathParam("file");
            // a closed set of folders and plain file names: no path traversal into the classpath
            if (!(kind.equals("js") || kind.equals("css")) || !file.matches("[a-z0-9-]+\\.(js|css)")) {
                throw new ServiceException(ErrorCode.NOT_FOUND, "no such asset");
            }
            asset(ctx, "pages/" + kind + "/" + file, file.substring(file.lastIndexOf('.') + 1));
        });
    }

    private void page(Context ctx, String name) {
        ctx.header("Content-Security-Policy", CSP);
        // for browsers without CSP frame-ancestors; ignored by those with it (CSP Level 3 section 6.4.2)
        ctx.header("X-Frame-Options", "SAMEORIGIN");
        html(ctx, name);
    }

    /**
     * The player for other sites' iframes: framable by {@link EmbedConfig#frameAncestors()} and so without
     * X-Frame-Options (which cannot name several origins); its referrer policy keeps our URLs out of the host's logs.
     */
    private void embed(Context ctx) {
        ctx.header("Content-Security-Policy", embedCsp);
        html(ctx, "embed.html");
    }

    private void html(Context ctx, String name) {
        ctx.header("Cache-Control", "no-cache");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.contentType(TYPES.get("html")).result(load("pages/" + name));
    }

    /**
     * The SDK's ES modules. Integrators import them from their own origin, and a module script is fetched in CORS
     * mode (HTML, "fetch a single module script"): they carry {@code Access-Control-Allow-Origin: *}. That is safe
     * because they are public static files fetched without credentials; the API they then call keeps its own
     * allow-list ({@code relaycast.http.cors-allowed-origins}).
     */
    private void sdk(Context ctx) {
        String file = ctx.pathParam("file");
        if (!SDK_FILE.matcher(file).matches()) {
            throw new ServiceException(ErrorCode.NOT_FOUND, "no such SDK file");
        }
        byte[] body = load("sdk/" + file);
        ctx.header("Access-Control-Allow-Origin", "*");
        ctx.header("Cache-Control", "no-cache"); // the SDK speaks this server's API: the server's version, always
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(TYPES.get("js")).result(body);
    }

    private void asset(Context ctx, String path, String ext) {
        byte[] body = load(path);
        ctx.header("Cache-Control", "public, max-age=300");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(TYPES.get(ext)).result(body);
    }

    private byte[] load(String path) {
        return cache.computeIfAbsent(path, p -> {
            try (InputStream in = Pages.class.getClassLoader().getResourceAsStream(p)) {
                if (in == null) {
                    throw new ServiceException(ErrorCode.NOT_FOUND, "no such page or asset");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
