package io.relaycast.signaling.viewer;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.List;
import java.util.Optional;

/** Viewer sessions in SQL; "current" means {@code left_at IS NULL}. */
public final class ViewerSessionRepository {
    private static final RowMapper<ViewerSession> MAPPER = (rs, ctx) -> {
        long left = rs.getLong("left_at");
        Long leftAt = rs.wasNull() ? null : left;
        return new ViewerSession(rs.getString("id"), rs.getString("stream_id"), rs.getString("user_id"),
                rs.getString("viewer_key"), rs.getString("transport"), rs.getLong("joined_at"), leftAt);
    };

    private final Jdbi jdbi;

    public ViewerSessionRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(ViewerSession s) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO viewer_sessions (id, stream_id, user_id, viewer_key, transport,"
                        + " joined_at) VALUES (:id, :stream, :user, :key, :transport, :at)")
                .bind("id", s.id()).bind("stream", s.streamId()).bind("user", s.userId()).bind("key", s.viewerKey())
                .bind("transport", s.transport()).bind("at", s.joinedAt()).execute());
    }

    public Optional<ViewerSession> find(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM viewer_sessions WHERE id = :id")
                .bind("id", id).map(MAPPER).findOne());
    }

    /** @return true when the session was open and is now closed */
    public boolean close(String id, long now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE viewer_sessions SET left_at = :now WHERE id = :id AND left_at IS NULL")
                .bind("id", id).bind("now", now).execute()) == 1;
    }

    public int closeAllOpen(String streamId, long now) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "UPDATE viewer_sessions SET left_at = :now WHERE stream_id = :stream AND left_at IS NULL")
                .bind("stream", streamId).bind("now", now).execute());
    }

    public int current(String streamId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM viewer_sessions WHERE stream_id = :s AND left_at IS NULL")
                .bind("s", streamId).mapTo(Integer.class).one());
    }

    public int unique(String streamId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(DISTINCT viewer_key) FROM viewer_sessions WHERE stream_id = :s")
                .bind("s", streamId).mapTo(Integer.class).one());
    }

    public List<ViewerSession> all(String streamId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM viewer_sessions WHERE stream_id = :s ORDER BY joined_at")
                .bind("s", streamId).map(MAPPER).list());
    }
}
