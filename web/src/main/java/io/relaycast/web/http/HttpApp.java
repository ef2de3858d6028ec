package io.relaycast.web.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.relaycast.web.api.Api;
import io.relaycast.web.config.RelaycastConfig;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP server before any route: body limit, strict JSON, error mapping, request log context, CORS (the
 * configured origins and the public URL's), the API's authentication filter, and a timer per route.
 */
public final class HttpApp {
    private HttpApp() {
    }

    public static Javalin create(RelaycastConfig config, ObjectMapper mapper, Authenticator auth, MeterRegistry metrics) {
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = config.http().maxBodyBytes();
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            cfg.router.ignoreTrailingSlashes = true;
            cfg.useVirtualThreads = false;
        });
        ApiErrors.install(app);
        io.relaycast.web.http.RequestLogContext.install(app);
        new Cors(Cors.withPublicUrl(config.http().corsAllowedOrigins(), config.http().publicUrl())).install(app);
        auth.install(app, Api.PREFIX + "/*");
        app.before(ctx -> ctx.attribute("relaycast.start", System.nanoTime()));
        app.after(ctx -> {
            Long start = ctx.attribute("relaycast.start");
            if (start != null) {
                String route = ctx.endpointHandlerPath();
                Timer.builder("http.server.requests")
                        .tag("method", ctx.method().name())
                        .tag("route", route == null || route.isEmpty() ? "unmatched" : route)
                        .tag("status", Integer.toString(ctx.statusCode()))
                        .register(metrics)
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });

        return app;
    }
}
