package io.relaycast.signaling.analytics;

import org.jdbi.v3.core.Jdbi;

import java.util.List;
import java.util.Map;

/** Media health samples in SQL, averaged per minute for the analytics series. */
public final class MediaSampleRepository {
    private final Jdbi jdbi;

    public MediaSampleRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(String streamId, String userId, String role, MediaSample s, long now) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO media_samples (stream_id, user_id, role, bitrate, fps, width, height,"
                        + " packet_loss, rtt, created_at) VALUES (:stream, :user, :role, :bitrate, :fps, :w, :h, :loss, :rtt, :at)")
                .bind("stream", streamId).bind("user", userId).bind("role", role).bind("bitrate", s.bitrate())
                .bind("fps", s.fps()).bind("w", s.width()).bind("h", s.height()).bind("loss", s.packetLoss())
                .bind("rtt", s.rtt()).bind("at", now).execute());
    }

    /** The SFU's sample of a live stream: role publisher, source sfu, no user. */
    public void insertSfu(String streamId, SfuSample s, long now) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO media_samples (stream_id, role, source, bitrate, packet_loss, rtt,"
                        + " packet_rate, jitter, viewers, viewer_bitrate, viewer_loss, viewer_loss_max, viewer_rtt,"
                        + " viewers_low, viewers_medium, viewers_high, created_at) VALUES (:stream, 'publisher', 'sfu',"
                        + " :bitrate, :loss, :rtt, :pps, :jitter, :viewers, :vbitrate, :vloss, :vlossmax, :vrtt,"
                        + " :low, :medium, :high, :at)")
                .bind("stream", streamId).bind("bitrate", s.bitrate()).bind("loss", s.packetLoss())
                .bind("rtt", s.rtt()).bind("pps", s.packetRate()).bind("jitter", s.jitter())
                .bind("viewers", s.viewers()).bind("vbitrate", s.viewerBitrate()).bind("vloss", s.viewerLoss())
                .bind("vlossmax", s.viewerLossMax()).bind("vrtt", s.viewerRtt()).bind("low", s.viewersLow())
                .bind("medium", s.viewersMedium()).bind("high", s.viewersHigh()).bind("at", now).execute());
    }

    /** An ingest's sample of a live stream (RTMP): role publisher, source {@code source}, no user. */
    public void insertIngest(String streamId, String source, IngestSample s, long now) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO media_samples (stream_id, role, source, bitrate, fps, width,"
                        + " height, keyframe_interval, created_at) VALUES (:stream, 'publisher', :source, :bitrate, :fps,"
                        + " :w, :h, :kf, :at)")
                .bind("stream", streamId).bind("source", source).bind("bitrate", s.bitrate()).bind("fps", s.fps())
                .bind("w", s.width()).bind("h", s.height()).bind("kf", s.keyframeIntervalMs()).bind("at", now)
                .execute());
    }

    /**
     * Per minute and source ({@code client}: the broadcaster's page, {@code sfu}: the SFU's sampler): averages of
     * each field over that role's samples, the worst viewer loss as its maximum. Fields a source does not
     * measure are null.
     */
    public List<Map<String, Object>> perMinute(String streamId, String role) {
        List<Map<String, Object>> rows = perBucket(streamId, role, 60_000);
        rows.forEach(r -> r.put("minute", r.remove("bucket")));
        return rows;
    }

    /** Per bucket of {@code bucketMillis} and source, averaged over the bucket's samples ("bucket": its number). */
    public List<Map<String, Object>> perBucket(String streamId, String role, long bucketMillis) {
        // a number written into the SQL (a long, never text from a request): the same expression in SELECT and
        // GROUP BY, which PostgreSQL requires and two bind parameters would not be
        long bucket = Math.max(1, bucketMillis);
        return jdbi.withHandle(h -> h.createQuery("SELECT created_at / " + bucket + " AS m, source, AVG(bitrate) AS bitrate,"
                        + " AVG(fps) AS fps, MAX(width) AS width, MAX(height) AS height, AVG(packet_loss) AS loss,"
                        + " AVG(rtt) AS rtt, AVG(packet_rate) AS pps, AVG(jitter) AS jitter, AVG(viewers) AS viewers,"
                        + " AVG(viewer_bitrate) AS vbitrate, AVG(viewer_loss) AS vloss, MAX(viewer_loss_max) AS vlossmax,"
                        + " AVG(viewer_rtt) AS vrtt, AVG(viewers_low) AS low, AVG(viewers_medium) AS medium,"
                        + " AVG(viewers_high) AS high, AVG(keyframe_interval) AS kf, COUNT(*) AS n FROM media_samples"
                        + " WHERE stream_id = :s AND role = :role GROUP BY created_at / " + bucket + ", source ORDER BY m, source")
                .bind("s", streamId).bind("role", role)
                .map((rs, ctx) -> {
                    Map<String, Object> row = new java.util.LinkedHashMap<>();
                    row.put("bucket", rs.getLong("m"));
                    row.put("source", rs.getString("source"));
                    row.put("bitrate", nullable(rs, "bitrate"));
                    row.put("fps", nullable(rs, "fps"));
                    row.put("width", nullable(rs, "width"));
                    row.put("height", nullable(rs, "height"));
                    row.put("packetLoss", nullable(rs, "loss"));
                    row.put("rtt", nullable(rs, "rtt"));
                    row.put("packetRate", nullable(rs, "pps"));
                    row.put("jitter", nullable(rs, "jitter"));
                    row.put("viewers", nullable(rs, "viewers"));
                    row.put("viewerBitrate", nullable(rs, "vbitrate"));
                    row.put("viewerLoss", nullable(rs, "vloss"));
                    row.put("viewerLossMax", nullable(rs, "vlossmax"));
                    row.put("viewerRtt", nullable(rs, "vrtt"));
                    row.put("viewersLow", nullable(rs, "low"));
                    row.put("viewersMedium", nullable(rs, "medium"));
                    row.put("viewersHigh", nullable(rs, "high"));
                    row.put("keyframeInterval", nullable(rs, "kf"));
                    row.put("samples", rs.getLong("n"));
                    return row;
                }).list());
    }

    private static Double nullable(java.sql.ResultSet rs, String col) throws java.sql.SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : Math.round(v * 100.0) / 100.0;
    }
}
