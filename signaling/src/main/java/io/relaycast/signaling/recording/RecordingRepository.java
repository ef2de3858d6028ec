package io.relaycast.signaling.recording;

import io.relaycast.signaling.webhook.WebhookEventType;
import io.relaycast.signaling.webhook.WebhookOutbox;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Recordings in SQL; written by the recorder, read by the REST API and the VOD server. */
public final class RecordingRepository {
    private static final RowMapper<Recording> MAPPER = (rs, ctx) -> {
        long d = rs.getLong("duration_ms");
        Long duration = rs.wasNull() ? null : d;
        long sz = rs.getLong("size_bytes");
        Long size = rs.wasNull() ? null : sz;
        long e = rs.getLong("ended_at");
        Long ended = rs.wasNull() ? null : e;
        return new Recording(rs.getString("id"), rs.getString("stream_id"), rs.getString("status"),
                rs.getString("file_path"), rs.getString("format"), duration, size, rs.getString("thumbnail_path"),
                rs.getLong("started_at"), ended, rs.getString("error"));
    };

    private final Jdbi jdbi;
    private volatile WebhookOutbox outbox;

    public RecordingRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(Recording r) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO recordings (id, stream_id, status, file_path, format, duration_ms,"
                        + " size_bytes, thumbnail_path, started_at, ended_at, error) VALUES (:id, :stream, :status, :path,"
                        + " :format, :duration, :size, :thumb, :started, :ended, :error)")
                .bind("id", r.id()).bind("stream", r.streamId()).bind("status", r.status()).bind("path", r.filePath())
                .bind("format", r.format()).bind("duration", r.durationMs()).bind("size", r.sizeBytes())
                .bind("thumb", r.thumbnailPath()).bind("started", r.startedAt()).bind("ended", r.endedAt())
                .bind("error", r.error()).execute());
    }

    /**
     * Writes the recording's final state and, in the same transaction, its recording.ready / recording.failed
     * webhook (when an outbox is in use).
     */
    public void finish(String id, String status, String filePath, String format, Long durationMs, Long sizeBytes,
                       String thumbnailPath, long endedAt, String error) {
        WebhookOutbox events = outbox;
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE recordings SET status = :status, file_path = :path, format = :format,"
                            + " duration_ms = :duration, size_bytes = :size, thumbnail_path = :thumb, ended_at = :ended,"
                            + " error = :error WHERE id = :id")
                    .bind("id", id).bind("status", status).bind("path", filePath).bind("format", format)
                    .bind("duration", durationMs).bind("size", sizeBytes).bind("thumb", thumbnailPath)
                    .bind("ended", endedAt).bind("error", error).execute();
            if (events == null || !("ready".equals(status) || "failed".equals(status))) {
                return;
            }
            String streamId = h.createQuery("SELECT stream_id FROM recordings WHERE id = :id").bind("id", id)
                    .mapTo(String.class).findOne().orElse(null);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("recordingId", id);
            data.put("streamId", streamId);
            if ("ready".equals(status)) {
                data.put("durationMs", durationMs);
                data.put("sizeBytes", sizeBytes);
                data.put("format", format);
            } else {
                data.put("error", error);
            }
            events.append(h, "ready".equals(status) ? WebhookEventType.RECORDING_READY : WebhookEventType.RECORDING_FAILED,
                    data, endedAt);
        });
    }

    /** Writes recording.ready / recording.failed webhook events with each finish from now on. */
    public void useOutbox(WebhookOutbox outbox) {
        this.outbox = outbox;
    }

    public Optional<Recording> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM recordings WHERE id = :id").bind("id", id).map(MAPPER).findOne());
    }

    /** Recordings still marked recording, with whether their stream is live (crash recovery). */
    public List<Map.Entry<Recording, Boolean>> unfinished() {
        return jdbi.withHandle(h -> h.createQuery("SELECT r.*, s.status AS stream_status FROM recordings r"
                        + " LEFT JOIN streams s ON s.id = r.stream_id WHERE r.status = 'recording'")
                .map((rs, ctx) -> Map.entry(MAPPER.map(rs, ctx), "live".equals(rs.getString("stream_status")))).list());
    }

    public List<Recording> forStream(String streamId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM recordings WHERE stream_id = :s ORDER BY started_at")
                .bind("s", streamId).map(MAPPER).list());
    }
}
