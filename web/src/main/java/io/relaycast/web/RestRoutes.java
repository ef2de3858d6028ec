package io.relaycast.web;

import io.javalin.Javalin;
import io.relaycast.signaling.shop.CommerceAnalytics;
import io.relaycast.signaling.webhook.WebhookEndpointRepository;
import io.relaycast.signaling.webhook.WebhookService;
import io.relaycast.web.api.Api;
import io.relaycast.web.api.ApiRoutes;
import io.relaycast.web.api.ModerationRoutes;
import io.relaycast.web.api.ShopRoutes;
import io.relaycast.web.api.WebhookRoutes;
import io.relaycast.web.config.RelaycastConfig;
import org.jdbi.v3.core.Jdbi;

import java.time.Clock;

/**
 * The REST API's route sets on the control plane's services (users, streams, chat and the rest; webhooks;
 * moderation; live shopping), registered by the composition root ({@link RelaycastServer}).
 */
final class RestRoutes {
    private RestRoutes() {
    }

    static void register(Javalin app, Api api, Services s, Jdbi jdbi, RelaycastConfig config, Clock clock) {
        ApiRoutes.register(app, api);
        WebhookRoutes.register(app, api, new WebhookService(new WebhookEndpointRepository(jdbi), s.webhookDeliveries(),
                config.webhooks(), clock));
        ModerationRoutes.register(app, api, s.moderation());
        ShopRoutes.register(app, api, new ShopRoutes.Shop(s.sales(), s.likes(),
                new CommerceAnalytics(s.saleRepository(), s.featuredRepository(), s.likeRepository())));
    }
}
