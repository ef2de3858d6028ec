package io.relaycast.web.api;

import io.javalin.Javalin;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.viewer.ViewerSession;
import io.relaycast.signaling.viewer.ViewerStats;

import java.util.LinkedHashMap;
import java.util.Map;

/** Viewer sessions over REST: join hands out what a player needs (ICE servers, HLS and WHEP URLs). */
final class ViewerRoutes {
    private ViewerRoutes() {
    }

    static void register(Javalin app, Api api) {
        String p = Api.PREFIX + "/streams/{id}";
        app.post(p + "/join", ctx -> {
            Principal viewer = api.auth().reader(ctx);
            String id = ctx.pathParam("id");
            ViewerSession s = api.viewers().joinOverApi(viewer, ctx.ip(), id);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sessionId", s.id());
            m.put("streamId", id);
            m.put("iceServers", api.iceServers().forUser(viewer == null ? null : viewer.userId()));
            m.put("hls", api.views().hls(api.streams().require(id))); // join checked the caller may watch it
            m.put("whep", api.urls().whep(id));
            m.put("joinedAt", Views.iso(s.joinedAt()));
            ctx.status(201).json(m);
        });
        app.post(p + "/leave", ctx -> {
            var body = api.body(ctx);
            ViewerSession s = api.viewers().leave(api.auth().reader(ctx), ctx.pathParam("id"), body.string("sessionId"));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("sessionId", s.id());
            m.put("joinedAt", Views.iso(s.joinedAt()));
            m.put("leftAt", Views.iso(s.leftAt()));
            m.put("watchTimeSeconds", s.leftAt() == null ? 0 : (s.leftAt() - s.joinedAt()) / 1000.0);
            ctx.json(m);
        });
        app.get(p + "/viewers", ctx -> {
            ViewerStats v = api.viewers().stats(api.auth().reader(ctx), ctx.pathParam("id"));
            ctx.json(Map.of("current", v.current(), "peak", v.peak(), "unique", v.unique()));
        });
    }
}
