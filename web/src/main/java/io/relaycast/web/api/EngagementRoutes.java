package io.relaycast.web.api;

import io.javalin.Javalin;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;

import java.util.Map;

/** Reactions, featured items and analytics of a stream. */
final class EngagementRoutes {
    private EngagementRoutes() {
    }

    static void register(Javalin app, Api api) {
        String p = Api.PREFIX + "/streams/{id}";
        app.post(p + "/reactions", ctx -> {
            var b = api.body(ctx);
            var r = api.reactions().react(api.auth().user(ctx), ctx.pathParam("id"), b.string("type"),
                    b.number("x"), b.number("y"));
            ctx.status(201).json(Views.reaction(r));
        });
        app.post(p + "/featured", ctx -> {
            var b = api.body(ctx);
            var f = api.featured().feature(api.auth().user(ctx), ctx.pathParam("id"), b.string("title"), b.string("url"),
                    b.string("imageUrl"), b.decimal("price"), b.string("currency"));
            ctx.status(201).json(Views.featured(f));
        });
        // GET /featured and GET /analytics: ShopRoutes (history, clear, commerce figures)
        app.get(p + "/recordings", ctx -> {
            var stream = api.streams().requireVisible(api.auth().reader(ctx), ctx.pathParam("id"));
            ctx.json(Map.of("items", api.recordings().forStream(ctx.pathParam("id")).stream()
                    .map(r -> api.views().recording(r, stream)).toList()));
        });
        app.get(Api.PREFIX + "/recordings/{rid}", ctx -> {
            var r = api.recordings().find(ctx.pathParam("rid"))
                    .orElseThrow(() -> ServiceException.notFound(ErrorCode.RECORDING_NOT_FOUND, "recording", ctx.pathParam("rid")));
            var stream = api.streams().requireVisible(api.auth().reader(ctx), r.streamId());
            ctx.json(api.views().recording(r, stream));
        });
        app.get(Api.PREFIX + "/ice-servers", ctx -> {
            var who = api.auth().reader(ctx);
            ctx.json(Map.of("iceServers", api.iceServers().forUser(who == null ? null : who.userId())));
        });
    }
}
