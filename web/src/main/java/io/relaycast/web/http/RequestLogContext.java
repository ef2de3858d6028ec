package io.relaycast.web.http;

import io.javalin.Javalin;
import io.relaycast.signaling.gateway.LogIds;
import org.slf4j.MDC;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Puts {@code requestId} (the caller's {@code X-Request-Id} when it is a sane token, else a new one; echoed in the
 * response) and, for URLs about one stream, {@code streamId} into the logging MDC for the request's work, so every
 * line it logs can be found by either. Javalin runs a request's filters and handler on one Jetty thread.
 */
public final class RequestLogContext {
    public static final String HEADER = "X-Request-Id";
    private static final Pattern CALLER_ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
    private static final Pattern STREAM_URL = Pattern.compile(
            "^/(?:api/v1/streams|whip|whep|hls|media-stats)/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:/|$)");

    private RequestLogContext() {
    }

    public static void install(Javalin app) {
        app.before(ctx -> {
            String given = ctx.header(HEADER);
            String id = given != null && CALLER_ID.matcher(given).matches() ? given : LogIds.next();
            MDC.put("requestId", id);
            ctx.header(HEADER, id);
            Matcher m = STREAM_URL.matcher(ctx.path());
            if (m.find()) {
                MDC.put("streamId", m.group(1));
            } else {
                MDC.remove("streamId");
            }
        });
        app.after(ctx -> clear());
    }

    public static void clear() {
        MDC.remove("requestId");
        MDC.remove("streamId");
    }
}
