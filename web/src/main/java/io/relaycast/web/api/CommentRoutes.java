package io.relaycast.web.api;

import io.javalin.Javalin;
import io.relaycast.signaling.chat.CommentPage;
import io.relaycast.web.http.Query;

import java.util.LinkedHashMap;
import java.util.Map;

/** Chat history and comments: the same records the Socket.IO chat writes. */
final class CommentRoutes {
    private CommentRoutes() {
    }

    static void register(Javalin app, Api api) {
        String p = Api.PREFIX + "/streams/{id}/comments";
        app.get(p, ctx -> {
            CommentPage page = api.chat().history(api.auth().reader(ctx), ctx.pathParam("id"),
                    Query.string(ctx, "cursor", 32), Query.integer(ctx, "limit", 50));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("items", page.items().stream().map(Views::comment).toList());
            m.put("nextCursor", page.nextCursor());
            ctx.json(m);
        });
        app.post(p, ctx -> {
            var body = api.body(ctx);
            var c = api.chat().post(api.auth().user(ctx), ctx.pathParam("id"), body.string("content"));
            ctx.status(201).json(Views.comment(c));
        });
        app.post(p + "/{cid}/pin", ctx -> ctx.json(Views.comment(
                api.chat().pin(api.auth().user(ctx), ctx.pathParam("id"), ctx.pathParam("cid")))));
        app.delete(p + "/{cid}", ctx -> {
            api.chat().delete(api.auth().user(ctx), ctx.pathParam("id"), ctx.pathParam("cid"));
            ctx.status(204);
        });
    }
}
