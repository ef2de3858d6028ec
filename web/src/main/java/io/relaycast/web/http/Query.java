package io.relaycast.web.http;

import io.javalin.http.Context;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;

/** Query parameters with clear 400s. */
public final class Query {
    private Query() {
    }

    public static int integer(Context ctx, String name, int defaultValue) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "query parameter '" + name + "' must be a whole number");
        }
    }

    public static String string(Context ctx, String name, int maxLength) {
        String v = ctx.queryParam(name);
        if (v != null && v.length() > maxLength) {
            throw new ServiceException(ErrorCode.INVALID_FIELD, "query parameter '" + name + "' is too long");
        }
        return v == null || v.isEmpty() ? null : v;
    }
}
