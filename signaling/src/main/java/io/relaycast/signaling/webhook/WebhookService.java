package io.relaycast.signaling.webhook;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The admin side of webhooks: register, list, delete and re-enable endpoints, and read their delivery log. */
public final class WebhookService {
    private static final int MAX_URL = 2048;
    private static final int MAX_LOG_PAGE = 200;

    private final WebhookEndpointRepository endpoints;
    private final DeliveryRepository deliveries;
    private final WebhooksConfig config;
    private final TargetGuard guard;
    private final Clock clock;

    public WebhookService(WebhookEndpointRepository endpoints, DeliveryRepository deliveries, WebhooksConfig config,
                          Clock clock) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.config = config;
        this.guard = new TargetGuard(config.allowPrivateTargets());
        this.clock = clock;
    }

    /** @return the endpoint with its secret: the only time the secret is shown */
    public WebhookEndpoint create(Principal admin, String url, List<String> events) {
        requireAdmin(admin);
        URI target = url(url);
        guard.refusal(target).ifPresent(reason -> {
            throw new ServiceException(ErrorCode.TARGET_NOT_ALLOWED, reason);
        });
        List<String> types = events(events);
        if (endpoints.count() >= config.maxEndpoints()) {
            throw new ServiceException(ErrorCode.VALIDATION_FAILED,
                    "at most " + config.maxEndpoints() + " webhook endpoints (relaycast.webhooks.max-endpoints)");
        }
        WebhookEndpoint e = new WebhookEndpoint("we_" + UUID.randomUUID().toString().replace("-", ""), target.toString(),
                types, WebhookSigner.newSecret(), admin.userId(), clock.millis(), 0, null, null, null);
        endpoints.insert(e);
        return e;
    }

    public List<WebhookEndpoint> list(Principal admin) {
        requireAdmin(admin);
        return endpoints.all();
    }

    public WebhookEndpoint get(Principal admin, String id) {
        requireAdmin(admin);
        return require(id);
    }

    public void delete(Principal admin, String id) {
        requireAdmin(admin);
        if (!endpoints.delete(id)) {
            throw ServiceException.notFound(ErrorCode.WEBHOOK_NOT_FOUND, "webhook", id);
        }
    }

    /** Re-enables an endpoint that was disabled after its run of failures. */
    public WebhookEndpoint enable(Principal admin, String id) {
        requireAdmin(admin);
        if (!endpoints.enable(id)) {
            throw ServiceException.notFound(ErrorCode.WEBHOOK_NOT_FOUND, "webhook", id);
        }
        return require(id);
    }

    public List<WebhookAttempt> deliveries(Principal admin, String id, int limit) {
        requireAdmin(admin);
        require(id);
        if (limit < 1 || limit > MAX_LOG_PAGE) {
            throw ServiceException.invalid("limit must be 1-" + MAX_LOG_PAGE);
        }
        return deliveries.attempts(id, limit);
    }

    private WebhookEndpoint require(String id) {
        return endpoints.find(id).orElseThrow(() -> ServiceException.notFound(ErrorCode.WEBHOOK_NOT_FOUND, "webhook", id));
    }

    private static void requireAdmin(Principal who) {
        if (!who.isAdmin()) {
            throw new ServiceException(ErrorCode.FORBIDDEN, "webhooks are managed by admins");
        }
    }

    private static URI url(String url) {
        if (url == null || url.isBlank() || url.length() > MAX_URL) {
            throw ServiceException.invalid("url is required (at most " + MAX_URL + " characters)");
        }
        try {
            URI u = new URI(url.strip());
            if (!u.isAbsolute() || u.getHost() == null) {
                throw ServiceException.invalid("url must be an absolute http(s) URL");
            }
            return u;
        } catch (URISyntaxException e) {
            throw ServiceException.invalid("url is not a valid URL: " + e.getReason());
        }
    }

    private static List<String> events(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw ServiceException.invalid("events must list at least one event type");
        }
        List<String> out = new ArrayList<>();
        for (String e : events) {
            if (WebhookEventType.parse(e).isEmpty()) {
                throw ServiceException.invalid("unknown event type '" + e + "'; known: "
                        + java.util.Arrays.stream(WebhookEventType.values()).map(WebhookEventType::wire).toList());
            }
            if (!out.contains(e)) {
                out.add(e);
            }
        }
        return List.copyOf(out);
    }
}
