package io.relaycast.web.api;

import io.javalin.Javalin;
import io.javalin.http.Context;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * {@code GET /api/v1/config/client}: what a browser needs before it can talk to us — where Socket.IO
 * listens (its own port, so the URL is built from the host the page was loaded from), and the modes.
 */
public final class ClientConfigRoutes {
    private ClientConfigRoutes() {
    }

    public static void register(Javalin app, String signalingPublicUrl, IntSupplier signalingPort, boolean devMode,
                                boolean allowAnonymousViewers) {
        app.get(Api.PREFIX + "/config/client", ctx -> {
            Map<String, Object> socket = new LinkedHashMap<>();
            socket.put("url", signalingPublicUrl.isEmpty() ? sameHost(ctx, signalingPort.getAsInt()) : signalingPublicUrl);
            socket.put("path", "/socket.io");
            socket.put("port", signalingPort.getAsInt());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("apiBase", Api.PREFIX);
            m.put("signaling", socket);
            m.put("devMode", devMode);
            m.put("allowAnonymousViewers", allowAnonymousViewers);
            ctx.json(m);
        });
    }

    private static String sameHost(Context ctx, int port) {
        String host = ctx.host() == null ? "localhost" : ctx.host();
        try {
            host = URI.create("http://" + host).getHost();
        } catch (IllegalArgumentException e) {
            host = "localhost";
        }
        if (host == null) {
            host = "localhost";
        }
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return ctx.scheme() + "://" + host + ":" + port;
    }
}
