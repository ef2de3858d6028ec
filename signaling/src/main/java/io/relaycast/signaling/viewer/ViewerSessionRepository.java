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

    /**
     * Inserts a session that a player keeps alive by itself (HLS), seen now; false when a session with this id
     * exists already (another node opened it, or it was closed).
     */
    public boolean insertSeen(ViewerSession s) {
        try {
            return jdbi.withHandle(h -> h.createUpdate("INSERT INTO viewer_sessions (id, stream_id, user_id, viewer_key,"
                            + " transport, joined_at, last_seen_at) SELECT :id, :stream, :user, :key, :transport, :at, :at"
                            + " WHERE NOT EXISTS (SELECT 1 FROM viewer_sessions WHERE id = :id)")
                    .bind("id", s.id()).bind("stream", s.streamId()).bind("user", s.userId()).bind("key", s.viewerKey())
                    .bind("transport", s.transport()).bind("at", s.joinedAt()).execute()) == 1;
        } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
            return false; // two nodes raced on the same id: the primary key let one in
        }
    }

    /** Marks an open session seen now; false when it is closed or unknown. */
    public boolean touch(String id, long now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE viewer_sessions SET last_seen_at = :now WHERE id = :id"
                + " AND left_at IS NULL").bind("id", id).bind("now", now).execute()) == 1;
    }

    /** Open sessions of {@code transport} not seen since {@code cutoff}: id, stream id, last seen. */
    public List<Silent> silent(String transport, long cutoff, int limit) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id, stream_id, last_seen_at FROM viewer_sessions WHERE"
                        + " transport = :t AND left_at IS NULL AND last_seen_at < :cutoff")
                .bind("t", transport).bind("cutoff", cutoff).setMaxRows(limit)
                .map((rs, ctx) -> new Silent(rs.getString(1), rs.getString(2), rs.getLong(3))).list());
    }

    public record Silent(String id, String streamId, long lastSeenAt) {
    }

    /** Open sessions of every stream by transport (the whole cluster: the table is shared). */
    public java.util.Map<String, Integer> openByTransport() {
        java.util.Map<String, Integer> m = new java.util.TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT transport, COUNT(*) FROM viewer_sessions WHERE left_at IS NULL"
                + " GROUP BY transport").map((rs, ctx) -> m.put(rs.getString(1), rs.getInt(2))).list());
        return m;
    }

    /**
     * Open sessions by transport of the {@code limit} public streams with the most open sessions (only public ones:
     * the metrics endpoint that shows them is not access-checked per stream): stream id → transport → count.
     */
    public java.util.Map<String, java.util.Map<String, Integer>> largestStreams(int limit) {
        java.util.Map<String, java.util.Map<String, Integer>> m = new java.util.LinkedHashMap<>();
        jdbi.useHandle(h -> {
            List<String> top = h.createQuery("SELECT v.stream_id, COUNT(*) AS n FROM viewer_sessions v JOIN streams s"
                            + " ON s.id = v.stream_id WHERE v.left_at IS NULL AND s.visibility = 'public'"
                            + " GROUP BY v.stream_id ORDER BY n DESC, v.stream_id").setMaxRows(limit)
                    .map((rs, ctx) -> rs.getString(1)).list();
            if (top.isEmpty()) {
                return;
            }
            top.forEach(id -> m.put(id, new java.util.TreeMap<>()));
            h.createQuery("SELECT stream_id, transport, COUNT(*) FROM viewer_sessions WHERE left_at IS NULL"
                            + " AND stream_id IN (<ids>) GROUP BY stream_id, transport").bindList("ids", top)
                    .map((rs, ctx) -> m.get(rs.getString(1)).put(rs.getString(2), rs.getInt(3))).list();
        });
        return m;
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
