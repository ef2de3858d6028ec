package io.relaycast.web.http;

import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.Set;

/**
 * CORS with an explicit allow-list. A listed Origin is echoed back; any other gets no CORS headers at all,
 * so the browser refuses the response. Never {@code *}: our callers authenticate with bearer tokens.
 */
public final class Cors {
    private static final String ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    private static final String ALLOW_HEADERS = "Authorization, Content-Type, If-Match";
    private static final String EXPOSE_HEADERS = "Location, Link, ETag";

    private final Set<String> allowed;

    public Cors(java.util.List<String> allowedOrigins) {
        this.allowed = Set.copyOf(allowedOrigins);
    }

    /**
     * The configured origins plus the origin of {@code http.public-url} when it is set. With several nodes that is
     * the load balancer's site, and a player there follows HLS redirects to the stream's origin node (decision 305),
     * a cross-origin request every node must allow; a single node is unaffected (its pages are same-origin anyway).
     */
    public static java.util.List<String> withPublicUrl(java.util.List<String> configured, String publicUrl) {
        if (publicUrl == null || publicUrl.isBlank()) {
            return configured;
        }
        java.net.URI u = java.net.URI.create(publicUrl.trim());
        if (u.getScheme() == null || u.getHost() == null) {
            return configured;
        }
        String origin = u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        java.util.List<String> all = new java.util.ArrayList<>(configured);
        if (!all.contains(origin)) {
            all.add(origin);
        }
        return all;
    }

    public void install(Javalin app) {
        app.before(this::apply);
        // preflights on any path: answered here so no route has to know about them
        app.options("/*", ctx -> ctx.status(allowed(ctx) ? 204 : 403));
    }

    private boolean allowed(Context ctx) {
        String origin = ctx.header("Origin");
        return origin != null && allowed.contains(origin);
    }

    private void apply(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null) {
            return;
        }
        ctx.header("Vary", "Origin");
        if (!allowed.contains(origin)) {
            return;
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        if ("OPTIONS".equals(ctx.method().name())) {
            ctx.header("Access-Control-Allow-Methods", ALLOW_METHODS);
            ctx.header("Access-Control-Allow-Headers", ALLOW_HEADERS);
            ctx.header("Access-Control-Max-Age", "600");
        }
    }
}
