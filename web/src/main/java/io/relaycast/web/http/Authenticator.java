package io.relaycast.web.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.auth.TokenVerifier;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.user.UserService;

/**
 * Bearer-token authentication for {@code /api/v1}. A present but bad token is always a 401, even on a route
 * an anonymous reader could use: a client with a broken token should hear about it, not silently be anonymous.
 */
public final class Authenticator {
    private static final String ATTR = "relaycast.principal";

    private final TokenVerifier verifier;
    private final UserService users;
    private final boolean allowAnonymousViewers;

    public Authenticator(TokenVerifier verifier, UserService users, boolean allowAnonymousViewers) {
        this.verifier = verifier;
        this.users = users;
        this.allowAnonymousViewers = allowAnonymousViewers;
    }

    public void install(Javalin app, String pathPattern) {
        app.before(pathPattern, this::authenticate);
    }

    private void authenticate(Context ctx) {
        if ("OPTIONS".equals(ctx.method().name())) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null) {
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ServiceException(ErrorCode.INVALID_TOKEN, "Authorization must be 'Bearer <jwt>'");
        }
        Principal p = verifier.verify(header.substring(7).trim());
        users.touch(p);
        ctx.attribute(ATTR, p);
    }

    /** Verifies a token outside a request (dev-token minting, the Socket.IO handshake). */
    public Principal verify(String token) {
        return verifier.verify(token);
    }

    /** The signed-in user, or a 401. */
    public Principal user(Context ctx) {
        Principal p = ctx.attribute(ATTR);
        if (p == null) {
            throw new ServiceException(ErrorCode.UNAUTHENTICATED, "sign in: send Authorization: Bearer <jwt>");
        }
        return p;
    }

    /** The signed-in user, or null for an anonymous reader when anonymous viewers are allowed; else a 401. */
    public Principal reader(Context ctx) {
        Principal p = ctx.attribute(ATTR);
        if (p == null && !allowAnonymousViewers) {
            throw new ServiceException(ErrorCode.UNAUTHENTICATED, "sign in: send Authorization: Bearer <jwt>");
        }
        return p;
    }
}
