package io.relaycast.signaling.analytics;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /streams/{id}/analytics/timeline}: the analytics page's series at a step finer than a minute (a short
 * stream is a handful of minutes). One point per step from the start to the end (or now): viewers watching at any
 * time in it, joins, comments and reactions in it, and the watch time spent in it; media health per step and
 * source, averaged as {@code mediaHealth} is per minute.
 */
public record AnalyticsTimeline(String streamId, String status, int stepSeconds, List<Point> points,
                                List<Map<String, Object>> media) {
    /** Steps one answer may have: a day at a minute, an hour at 2.5 s. */
    public static final int MAX_POINTS = 1440;
    public static final int MIN_STEP_SECONDS = 5;
    public static final int MAX_STEP_SECONDS = 3600;

    public record Point(String at, int viewers, int joins, int comments, int reactions, double watchSeconds) {
    }
}
