package io.relaycast.signaling.webhook;

import java.util.List;

/** A registered receiver. {@code secret} never leaves the server after the create answer. */
public record WebhookEndpoint(String id, String url, List<String> events, String secret, String createdBy,
                              long createdAt, int consecutiveFailures, Long failingSince, Long disabledAt,
                              String disabledReason) {
    public boolean subscribes(WebhookEventType type) {
        return events.contains(type.wire());
    }
}
