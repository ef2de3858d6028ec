package io.relaycast.signaling.webhook;

/** One row of an endpoint's delivery log. {@code responseStatus} is null when no HTTP answer came. */
public record WebhookAttempt(String id, String deliveryId, String eventId, String eventType, int attempt,
                             long attemptedAt, String outcome, Integer responseStatus, String error, long durationMs,
                             String deliveryStatus, Long nextAttemptAt) {
}
