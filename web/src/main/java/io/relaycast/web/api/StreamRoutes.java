package io.relaycast.web.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.stream.Eligibility;
import io.relaycast.signaling.stream.StreamDraft;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.web.http.JsonBody;
import io.relaycast.web.http.Query;

import java.util.LinkedHashMap;
import java.util.Map;

/** Stream lifecycle, keys and listings. Static paths are registered before {@code {id}} so they win. */
final class StreamRoutes {
    private StreamRoutes() {
    }

    static void register(Javalin app, Api api) {
        String p = Api.PREFIX + "/streams";
        StreamService streams = api.streams();
        app.get(p + "/live", ctx -> ctx.json(api.views().streamPage(streams.live(api.auth().reader(ctx),
                Query.string(ctx, "category", 64), Query.integer(ctx, "limit", 20), Query.integer(ctx, "offset", 0)))));
        app.get(p + "/scheduled", ctx -> ctx.json(api.views().streamPage(streams.scheduled(api.auth().reader(ctx),
                Query.integer(ctx, "limit", 20), Query.integer(ctx, "offset", 0)))));
        app.get(p + "/eligibility", ctx -> {
            Eligibility e = streams.eligibility(api.auth().user(ctx).userId());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eligible", e.eligible());
            m.put("followerCount", e.followerCount());
            m.put("required", e.required());
            m.put("reason", e.reason());
            ctx.json(m);
        });
        app.get(p, ctx -> listOwned(ctx, api));
        app.post(p, ctx -> {
            Principal who = api.auth().user(ctx);
            var created = streams.create(who, draft(api.body(ctx), true));
            ctx.status(201).header("Location", Api.PREFIX + "/streams/" + created.stream().id())
                    .json(api.views().streamWithKey(created.stream(), created.streamKey()));
        });
        app.get(p + "/{id}", ctx -> ctx.json(api.views().stream(streams.requireVisible(api.auth().reader(ctx), ctx.pathParam("id")))));
        app.put(p + "/{id}", ctx -> ctx.json(api.views().stream(
                streams.update(api.auth().user(ctx), ctx.pathParam("id"), draft(api.body(ctx), false)))));
        app.delete(p + "/{id}", ctx -> ctx.json(api.views().stream(streams.cancel(api.auth().user(ctx), ctx.pathParam("id")))));
        app.post(p + "/{id}/start", ctx -> ctx.json(api.views().stream(streams.start(api.auth().user(ctx), ctx.pathParam("id")))));
        app.post(p + "/{id}/end", ctx -> ctx.json(api.views().stream(streams.end(api.auth().user(ctx), ctx.pathParam("id")))));
        app.post(p + "/{id}/key/rotate", ctx -> {
            var rotated = streams.rotateKey(api.auth().user(ctx), ctx.pathParam("id"));
            ctx.json(api.views().streamWithKey(rotated.stream(), rotated.streamKey()));
        });
    }

    private static void listOwned(Context ctx, Api api) {
        String owner = Query.string(ctx, "owner", 128);
        if (owner == null) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "use owner=me (or a user id), /streams/live or /streams/scheduled");
        }
        Principal me;
        if ("me".equals(owner)) {
            me = api.auth().user(ctx);
            owner = me.userId();
        } else {
            me = api.auth().reader(ctx);
        }
        ctx.json(api.views().streamPage(api.streams().ownedBy(me, owner,
                Query.integer(ctx, "limit", 20), Query.integer(ctx, "offset", 0))));
    }

    /** The typed request of create and update (package-private: RestBodyFuzzTest reads bodies through it). */
    static StreamDraft draft(JsonBody b, boolean create) {
        if (!create && b.has("title") && b.string("title").isBlank()) {
            throw ServiceException.invalid("title must be 1-120 characters");
        }
        return new StreamDraft(b.string("title"), b.string("description"), b.string("category"),
                b.stringList("tags"), b.string("quality"), b.string("visibility"), b.instant("scheduledAt"),
                b.bool("recordingEnabled"), b.bool("chatEnabled"), b.bool("reactionsEnabled"), b.string("chatMode"),
                b.integer("slowModeSeconds"));
    }
}
