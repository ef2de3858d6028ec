package io.relaycast.signaling.stream;

/** A stream's life: scheduled → live → ended, or scheduled → cancelled. No other edge exists. */
public enum StreamStatus {
    SCHEDULED, LIVE, ENDED, CANCELLED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
