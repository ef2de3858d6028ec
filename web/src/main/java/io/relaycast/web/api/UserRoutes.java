package io.relaycast.web.api;

import io.javalin.Javalin;
import io.relaycast.signaling.user.UserService;

import java.util.LinkedHashMap;
import java.util.Map;

/** The follow graph. Following is idempotent: following twice is one edge, unfollowing a stranger is a no-op. */
final class UserRoutes {
    private UserRoutes() {
    }

    static void register(Javalin app, Api api) {
        String p = Api.PREFIX + "/users";
        app.get(p + "/me", ctx -> {
            var me = api.auth().user(ctx);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", me.userId());
            m.put("name", me.displayName());
            m.put("roles", me.roles());
            m.put("followerCount", api.users().followerCount(me.userId()));
            ctx.json(m);
        });
        app.post(p + "/{id}/follow", ctx -> ctx.json(view(api.users().follow(api.auth().user(ctx), ctx.pathParam("id")))));
        app.delete(p + "/{id}/follow", ctx -> ctx.json(view(api.users().unfollow(api.auth().user(ctx), ctx.pathParam("id")))));
    }

    private static Map<String, Object> view(UserService.FollowState s) {
        return Map.of("userId", s.userId(), "following", s.following(), "followerCount", s.followerCount());
    }
}
