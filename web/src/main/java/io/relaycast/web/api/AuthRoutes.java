package io.relaycast.web.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ServiceException;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code POST /api/v1/auth/dev-token}: registered in dev mode only, so production answers 404. */
final class AuthRoutes {
    private AuthRoutes() {
    }

    static void register(Javalin app, Api api) {
        if (api.devTokens() == null) {
            return;
        }
        app.post(Api.PREFIX + "/auth/dev-token", ctx -> devToken(ctx, api));
    }

    private static void devToken(Context ctx, Api api) {
        var body = api.body(ctx);
        String name = body.string("name");
        if (name == null || name.isBlank() || name.strip().length() > 60) {
            throw ServiceException.invalid("name must be 1-60 characters");
        }
        String userId = body.string("userId");
        if (userId != null && !userId.matches("[A-Za-z0-9_.@:-]{1,128}")) {
            throw ServiceException.invalid("userId must be 1-128 letters, digits or _.@:-");
        }
        List<String> requested = body.stringList("roles");
        Set<String> roles = new LinkedHashSet<>();
        if (requested != null) {
            for (String r : requested) {
                if (!Principal.ADMIN.equals(r) && !Principal.MODERATOR.equals(r)) {
                    throw ServiceException.invalid("roles may contain 'admin' and 'moderator' only");
                }
                roles.add(r);
            }
        }
        String token = api.devTokens().mint(userId, name.strip(), roles);
        Principal p = api.auth().verify(token);
        api.users().touch(p);
        ctx.status(201).json(Map.of("token", token,
                "user", Map.of("id", p.userId(), "name", p.displayName(), "roles", p.roles())));
    }
}
