package io.relaycast.signaling.stream;

import java.util.List;

/** A broadcast as stored, with the live viewer count at the time it was read. Times are epoch millis. */
public record Stream(
        String id,
        String ownerId,
        String title,
        String description,
        String category,
        List<String> tags,
        String quality,
        Visibility visibility,
        StreamStatus status,
        Long scheduledAt,
        Long startedAt,
        Long endedAt,
        Long cancelledAt,
        boolean recordingEnabled,
        boolean chatEnabled,
        boolean reactionsEnabled,
        ChatMode chatMode,
        int slowModeSeconds,
        int peakViewers,
        int viewerCount,
        long createdAt,
        long updatedAt) {

    public boolean isLive() {
        return status == StreamStatus.LIVE;
    }
}
