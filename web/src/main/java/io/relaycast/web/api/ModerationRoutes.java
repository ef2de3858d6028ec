package io.relaycast.web.api;

import io.javalin.Javalin;
import io.relaycast.signaling.moderation.Ban;
import io.relaycast.signaling.moderation.ModerationService;

import java.util.LinkedHashMap;
import java.util.Map;

/** Bans, timeouts and unpinning of a stream (owner or moderator). */
public final class ModerationRoutes {
    private ModerationRoutes() {
    }

    public static void register(Javalin app, Api api, ModerationService moderation) {
        String p = Api.PREFIX + "/streams/{id}";
        app.post(p + "/bans", ctx -> {
            var b = api.body(ctx);
            Integer seconds = b.integer("durationSeconds");
            Ban ban = moderation.ban(api.auth().user(ctx), ctx.pathParam("id"), b.string("userId"),
                    seconds == null ? null : seconds.longValue(), b.string("reason"));
            ctx.status(201).json(ban(ban));
        });
        app.get(p + "/bans", ctx -> ctx.json(Map.of("items",
                moderation.active(api.auth().user(ctx), ctx.pathParam("id")).stream().map(ModerationRoutes::ban).toList())));
        app.delete(p + "/bans/{userId}", ctx -> {
            moderation.unban(api.auth().user(ctx), ctx.pathParam("id"), ctx.pathParam("userId"));
            ctx.status(204);
        });
        app.post(p + "/comments/{cid}/unpin", ctx -> ctx.json(Views.comment(
                api.chat().unpin(api.auth().user(ctx), ctx.pathParam("id"), ctx.pathParam("cid")))));
    }

    static Map<String, Object> ban(Ban b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("streamId", b.streamId());
        m.put("userId", b.userId());
        m.put("bannedBy", b.bannedBy());
        m.put("reason", b.reason());
        m.put("createdAt", Views.iso(b.createdAt()));
        m.put("expiresAt", Views.iso(b.expiresAt()));
        return m;
    }
}
