package io.relaycast.web.api;

import io.javalin.Javalin;

/** Registers the whole {@code /api/v1} surface. */
public final class ApiRoutes {
    private ApiRoutes() {
    }

    public static void register(Javalin app, Api api) {
        AuthRoutes.register(app, api);
        StreamRoutes.register(app, api);
        UserRoutes.register(app, api);
        ViewerRoutes.register(app, api);
        CommentRoutes.register(app, api);
        EngagementRoutes.register(app, api);
    }
}
