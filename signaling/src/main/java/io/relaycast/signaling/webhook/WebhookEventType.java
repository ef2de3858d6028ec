package io.relaycast.signaling.webhook;

import java.util.Arrays;
import java.util.Optional;

/** The event types of the contract ("Webhooks"); {@link #wire()} is what endpoints subscribe to and receive. */
public enum WebhookEventType {
    STREAM_STARTED("stream.started"),
    STREAM_ENDED("stream.ended"),
    STREAM_CANCELLED("stream.cancelled"),
    RECORDING_READY("recording.ready"),
    RECORDING_FAILED("recording.failed"),
    VIEWER_MILESTONE("viewer.milestone"),
    FEATURED_SHOWN("featured.shown"),
    SALE_RECORDED("sale.recorded");

    private final String wire;

    WebhookEventType(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<WebhookEventType> parse(String s) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(s)).findFirst();
    }
}
