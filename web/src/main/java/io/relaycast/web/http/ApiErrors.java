package io.relaycast.web.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;

/** Every failure leaves as {@code {"error":{"code","message"}}} with the code's HTTP status. */
public final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {
    }

    public static void install(Javalin app) {
        app.exception(ServiceException.class, (e, ctx) -> write(ctx, e.code().httpStatus(), e.wireCode(), e.getMessage()));
        app.exception(HttpResponseException.class, (e, ctx) -> write(ctx, fromStatus(e.getStatus()), messageFor(e)));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
            write(ctx, ErrorCode.INTERNAL, "internal error");
        });
        app.error(404, ctx -> {
            if (!isErrorBody(ctx)) {
                write(ctx, ErrorCode.NOT_FOUND, "no such resource: " + ctx.method() + " " + ctx.path());
            }
        });
        app.error(405, ctx -> {
            if (!isErrorBody(ctx)) {
                write(ctx, ErrorCode.METHOD_NOT_ALLOWED, ctx.method() + " is not allowed on " + ctx.path());
            }
        });
    }

    private static boolean isErrorBody(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute("relaycast.error-written"));
    }

    public static void write(Context ctx, ErrorCode code, String message) {
        write(ctx, code.httpStatus(), code.name(), message);
    }

    private static void write(Context ctx, int status, String code, String message) {
        ctx.attribute("relaycast.error-written", true);
        ctx.status(status).json(Map.of("error", Map.of("code", code, "message", message)));
    }

    private static String messageFor(HttpResponseException e) {
        return switch (e.getStatus()) {
            case 404 -> "no such resource";
            case 405 -> "method not allowed";
            case 413 -> "body is too large";
            default -> e.getMessage() == null ? "request failed" : e.getMessage();
        };
    }

    private static ErrorCode fromStatus(int status) {
        return switch (status) {
            case 400 -> ErrorCode.VALIDATION_FAILED;
            case 401 -> ErrorCode.UNAUTHENTICATED;
            case 403 -> ErrorCode.FORBIDDEN;
            case 404 -> ErrorCode.NOT_FOUND;
            case 405 -> ErrorCode.METHOD_NOT_ALLOWED;
            case 413 -> ErrorCode.PAYLOAD_TOO_LARGE;
            case 415 -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ErrorCode.RATE_LIMITED;
            case 503 -> ErrorCode.UNAVAILABLE;
            default -> status >= 500 ? ErrorCode.INTERNAL : ErrorCode.VALIDATION_FAILED;
        };
    }
}
