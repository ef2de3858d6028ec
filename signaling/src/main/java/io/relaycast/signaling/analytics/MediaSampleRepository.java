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

    /** Per minute: averages of each field over the publisher's samples. */
    public List<Map<String, Object>> perMinute(String streamId, String role) {
        return jdbi.withHandle(h -> h.createQuery("SELECT created_at / 60000 AS m, AVG(bitrate) AS bitrate, AVG(fps) AS fps,"
                        + " MAX(width) AS width, MAX(height) AS height, AVG(packet_loss) AS loss, AVG(rtt) AS rtt,"
                        + " COUNT(*) AS n FROM media_samples WHERE stream_id = :s AND role = :role"
                        + " GROUP BY created_at / 60000 ORDER BY m")
                .bind("s", streamId).bind("role", role)
                .map((rs, ctx) -> {
                    Map<String, Object> row = new java.util.LinkedHashMap<>();
                    row.put("minute", rs.getLong("m"));
                    row.put("bitrate", nullable(rs, "bitrate"));
                    row.put("fps", nullable(rs, "fps"));
                    row.put("width", nullable(rs, "width"));
                    row.put("height", nullable(rs, "height"));
                    row.put("packetLoss", nullable(rs, "loss"));
                    row.put("rtt", nullable(rs, "rtt"));
                    row.put("samples", rs.getLong("n"));
                    return row;
                }).list());
    }

    private static Double nullable(java.sql.ResultSet rs, String col) throws java.sql.SQLException {
        double v = rs.getDouble(col);
        return rs.wasNull() ? null : Math.round(v * 100.0) / 100.0;
    }
}
