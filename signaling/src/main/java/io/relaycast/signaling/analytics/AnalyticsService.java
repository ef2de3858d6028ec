package io.relaycast.signaling.analytics;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.chat.CommentRepository;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.reaction.ReactionRepository;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.stream.StreamStatus;
import io.relaycast.signaling.viewer.ViewerSession;
import io.relaycast.signaling.viewer.ViewerSessionRepository;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Totals, averages and per-minute series of a stream, for its owner; also stores media health samples (the
 * clients' {@code stream:quality-update} and the SFU's own, {@link SfuStatsSampler}).
 */
public final class AnalyticsService {
    /** A day of minutes: longer streams report their last 24 hours per minute. */
    static final int MAX_MINUTES = 24 * 60;

    private final StreamService streams;
    private final ViewerSessionRepository sessions;
    private final CommentRepository comments;
    private final ReactionRepository reactions;
    private final MediaSampleRepository samples;
    private final Clock clock;

    public AnalyticsService(StreamService streams, ViewerSessionRepository sessions, CommentRepository comments,
                            ReactionRepository reactions, MediaSampleRepository samples, Clock clock) {
        this.streams = streams;
        this.sessions = sessions;
        this.comments = comments;
        this.reactions = reactions;
        this.samples = samples;
        this.clock = clock;
    }

    public void recordSample(String streamId, String userId, String role, MediaSample s) {
        if (!"publisher".equals(role) && !"viewer".equals(role)) {
            throw ServiceException.invalid("role must be publisher or viewer");
        }
        check("bitrate", s.bitrate() == null ? null : s.bitrate().doubleValue(), 0, 1e11);
        check("fps", s.fps(), 0, 1000);
        check("width", s.width() == null ? null : s.width().doubleValue(), 0, 16384);
        check("height", s.height() == null ? null : s.height().doubleValue(), 0, 16384);
        check("packetLoss", s.packetLoss(), 0, 100);
        check("rtt", s.rtt(), 0, 600_000);
        streams.require(streamId);
        samples.insert(streamId, userId, role, s, clock.millis());
    }

    /**
     * Stores the SFU's sample of a stream (source {@code sfu}) if the stream is live; false when it is not (its
     * media outlived its end by a moment).
     */
    public boolean recordSfuSample(String streamId, SfuSample s) {
        if (streams.require(streamId).status() != StreamStatus.LIVE) {
            return false;
        }
        samples.insertSfu(streamId, s, clock.millis());
        return true;
    }

    /**
     * An ingest's sample of what its encoder sends ({@code source}: {@code rtmp}); stored only while the stream is
     * live, like the SFU's.
     */
    public boolean recordIngestSample(String streamId, String source, IngestSample s) {
        if (streams.require(streamId).status() != StreamStatus.LIVE) {
            return false;
        }
        samples.insertIngest(streamId, source, s, clock.millis());
        return true;
    }

    private static void check(String name, Double v, double min, double max) {
        if (v != null && (v.isNaN() || v < min || v > max)) {
            throw ServiceException.invalid(name + " must be between " + (long) min + " and " + (long) max);
        }
    }

    public StreamAnalytics forOwner(Principal who, String streamId) {
        Stream s = streams.requireOwned(who, streamId);
        long now = clock.millis();
        List<ViewerSession> all = sessions.all(streamId);
        Set<String> unique = new HashSet<>();
        long totalWatch = 0;
        int current = 0;
        for (ViewerSession v : all) {
            unique.add(v.viewerKey());
            long end = v.leftAt() != null ? v.leftAt() : now;
            totalWatch += Math.max(0, end - v.joinedAt());
            if (v.leftAt() == null) {
                current++;
            }
        }
        long start = s.startedAt() != null ? s.startedAt() : 0;
        long end = s.endedAt() != null ? s.endedAt() : now;
        long duration = s.startedAt() == null ? 0 : Math.max(0, end - start);
        double avgViewers = duration == 0 ? 0 : round2((double) totalWatch / duration);
        double avgWatch = all.isEmpty() ? 0 : round2(totalWatch / 1000.0 / all.size());
        Map<String, Integer> byType = reactions.countByType(streamId);
        int reactionTotal = byType.values().stream().mapToInt(Integer::intValue).sum();
        return new StreamAnalytics(streamId, all.size(), unique.size(), s.peakViewers(), current, avgViewers, avgWatch,
                totalWatch / 1000, duration / 1000, comments.countVisible(streamId), reactionTotal, byType,
                perMinute(s, all, now), samples.perMinute(streamId, "publisher"));
    }

    /**
     * The analytics page's series at {@code stepSeconds} ({@link AnalyticsTimeline#MIN_STEP_SECONDS} to
     * {@link AnalyticsTimeline#MAX_STEP_SECONDS}), raised so that at most {@link AnalyticsTimeline#MAX_POINTS}
     * steps cover the stream.
     */
    public AnalyticsTimeline timeline(Principal who, String streamId, int stepSeconds) {
        if (stepSeconds < AnalyticsTimeline.MIN_STEP_SECONDS || stepSeconds > AnalyticsTimeline.MAX_STEP_SECONDS) {
            throw ServiceException.invalid("step must be between " + AnalyticsTimeline.MIN_STEP_SECONDS + " and "
                    + AnalyticsTimeline.MAX_STEP_SECONDS + " seconds");
        }
        Stream s = streams.requireOwned(who, streamId);
        if (s.startedAt() == null) {
            return new AnalyticsTimeline(streamId, s.status().wire(), stepSeconds, List.of(), List.of());
        }
        long now = clock.millis();
        long end = s.endedAt() != null ? s.endedAt() : now;
        long step = stepSeconds * 1000L;
        long needed = (end - s.startedAt()) / AnalyticsTimeline.MAX_POINTS + 1;
        step = Math.max(step, (needed + 999) / 1000 * 1000);
        long first = s.startedAt() / step;
        long last = end / step;
        List<ViewerSession> all = sessions.all(streamId);
        Map<Long, Long> commentsPer = toMap(comments.perBucket(streamId, step));
        Map<Long, Long> reactionsPer = toMap(reactions.perBucket(streamId, step));
        List<AnalyticsTimeline.Point> points = new ArrayList<>();
        for (long b = first; b <= last; b++) {
            long from = b * step;
            long to = from + step;
            int viewers = 0;
            int joins = 0;
            long watch = 0;
            for (ViewerSession v : all) {
                long leftAt = v.leftAt() != null ? v.leftAt() : now;
                if (v.joinedAt() < to && leftAt >= from) {
                    viewers++;
                    watch += Math.max(0, Math.min(leftAt, Math.min(to, end)) - Math.max(v.joinedAt(), from));
                }
                if (v.joinedAt() >= from && v.joinedAt() < to) {
                    joins++;
                }
            }
            points.add(new AnalyticsTimeline.Point(Instant.ofEpochMilli(from).toString(), viewers, joins,
                    commentsPer.getOrDefault(b, 0L).intValue(), reactionsPer.getOrDefault(b, 0L).intValue(),
                    round2(watch / 1000.0)));
        }
        long stepMs = step;
        List<Map<String, Object>> media = samples.perBucket(streamId, "publisher", step).stream().map(row -> {
            row.put("at", Instant.ofEpochMilli((Long) row.remove("bucket") * stepMs).toString());
            return row;
        }).toList();
        return new AnalyticsTimeline(streamId, s.status().wire(), (int) (step / 1000), points, media);
    }

    private List<StreamAnalytics.MinutePoint> perMinute(Stream s, List<ViewerSession> all, long now) {
        if (s.startedAt() == null) {
            return List.of();
        }
        long first = s.startedAt() / 60_000;
        long last = (s.endedAt() != null ? s.endedAt() : now) / 60_000;
        first = Math.max(first, last - MAX_MINUTES + 1);
        Map<Long, Long> commentsPerMinute = toMap(comments.perMinute(s.id()));
        Map<Long, Long> reactionsPerMinute = toMap(reactions.perMinute(s.id()));
        List<StreamAnalytics.MinutePoint> out = new ArrayList<>();
        for (long m = first; m <= last; m++) {
            long from = m * 60_000;
            long to = from + 60_000;
            int viewers = 0;
            int joins = 0;
            for (ViewerSession v : all) {
                long leftAt = v.leftAt() != null ? v.leftAt() : now;
                if (v.joinedAt() < to && leftAt >= from) {
                    viewers++;
                }
                if (v.joinedAt() >= from && v.joinedAt() < to) {
                    joins++;
                }
            }
            out.add(new StreamAnalytics.MinutePoint(m, Instant.ofEpochMilli(from).toString(), viewers, joins,
                    commentsPerMinute.getOrDefault(m, 0L).intValue(), reactionsPerMinute.getOrDefault(m, 0L).intValue()));
        }
        return out;
    }

    private static Map<Long, Long> toMap(List<long[]> rows) {
        Map<Long, Long> m = new HashMap<>();
        for (long[] r : rows) {
            m.put(r[0], r[1]);
        }
        return m;
    }

    private static double round2(double v) {
        return Math.round(v * 100.0) / 100.0;
    }
}
