package io.relaycast.signaling.analytics;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /streams/{id}/analytics}. Averages: {@code averageViewers} is total watch time divided by the
 * stream's duration (the mean concurrent audience); {@code averageWatchTimeSeconds} is per session.
 */
public record StreamAnalytics(
        String streamId,
        int totalViews,
        int uniqueViewers,
        int peakViewers,
        int currentViewers,
        double averageViewers,
        double averageWatchTimeSeconds,
        long totalWatchTimeSeconds,
        long durationSeconds,
        int comments,
        int reactions,
        Map<String, Integer> reactionsByType,
        List<MinutePoint> perMinute,
        List<Map<String, Object>> mediaHealth) {

    /** One minute of the stream: viewers watching at any time in it, joins, comments and reactions in it. */
    public record MinutePoint(long minute, String at, int viewers, int joins, int comments, int reactions) {
    }
}
