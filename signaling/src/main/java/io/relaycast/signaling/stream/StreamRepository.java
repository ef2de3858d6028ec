package io.relaycast.signaling.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Streams in SQL. Status changes are conditional updates, so two racing transitions cannot both win. */
public final class StreamRepository {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {
    };

    /** Live viewers = open viewer sessions. */
    static final String VIEWER_COUNT =
            "(SELECT COUNT(*) FROM viewer_sessions v WHERE v.stream_id = s.id AND v.left_at IS NULL)";
    private static final String SELECT = "SELECT s.*, " + VIEWER_COUNT + " AS viewer_count FROM streams s ";
    /** Public streams, or followers-only ones the reader may see (owner, or a follower of the owner). */
    private static final String VISIBLE_TO =
            " (s.visibility = 'public' OR s.owner_id = :me OR EXISTS (SELECT 1 FROM follows f"
                    + " WHERE f.followee_id = s.owner_id AND f.follower_id = :me)) ";

    private final Jdbi jdbi;

    public StreamRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(Stream s, String keyHash) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO streams (id, owner_id, title, description, category, tags, quality,"
                        + " visibility, status, scheduled_at, recording_enabled, chat_enabled, reactions_enabled, chat_mode,"
                        + " slow_mode_seconds, stream_key_hash, peak_viewers, created_at, updated_at) VALUES (:id, :owner, :title,"
                        + " :description, :category, :tags, :quality, :visibility, :status, :scheduledAt, :recording, :chat,"
                        + " :reactions, :chatMode, :slow, :keyHash, 0, :now, :now)")
                .bind("id", s.id()).bind("owner", s.ownerId()).bind("title", s.title())
                .bind("description", s.description()).bind("category", s.category()).bind("tags", toJson(s.tags()))
                .bind("quality", s.quality()).bind("visibility", s.visibility().wire()).bind("status", s.status().wire())
                .bind("scheduledAt", s.scheduledAt()).bind("recording", s.recordingEnabled())
                .bind("chat", s.chatEnabled()).bind("reactions", s.reactionsEnabled())
                .bind("chatMode", s.chatMode().wire()).bind("slow", s.slowModeSeconds()).bind("keyHash", keyHash)
                .bind("now", s.createdAt()).execute());
    }

    public void updateEditable(Stream s, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE streams SET title = :title, description = :description,"
                        + " category = :category, tags = :tags, quality = :quality, visibility = :visibility,"
                        + " scheduled_at = :scheduledAt, recording_enabled = :recording, chat_enabled = :chat,"
                        + " reactions_enabled = :reactions, chat_mode = :chatMode, slow_mode_seconds = :slow,"
                        + " updated_at = :now WHERE id = :id")
                .bind("id", s.id()).bind("title", s.title()).bind("description", s.description())
                .bind("category", s.category()).bind("tags", toJson(s.tags())).bind("quality", s.quality())
                .bind("visibility", s.visibility().wire()).bind("scheduledAt", s.scheduledAt())
                .bind("recording", s.recordingEnabled()).bind("chat", s.chatEnabled())
                .bind("reactions", s.reactionsEnabled()).bind("chatMode", s.chatMode().wire())
                .bind("slow", s.slowModeSeconds()).bind("now", now).execute());
    }

    public Optional<Stream> find(String id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE s.id = :id").bind("id", id).map(MAPPER).findOne());
    }

    public Optional<String> keyHash(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT stream_key_hash FROM streams WHERE id = :id")
                .bind("id", id).mapTo(String.class).findOne());
    }

    /** The stream whose key hashes to {@code hash} (RTMP: the key is all the client sends). */
    public Optional<String> idByKeyHash(String hash) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM streams WHERE stream_key_hash = :hash")
                .bind("hash", hash).mapTo(String.class).findFirst());
    }

    public void setKeyHash(String id, String hash, long now) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE streams SET stream_key_hash = :hash, updated_at = :now WHERE id = :id")
                .bind("id", id).bind("hash", hash).bind("now", now).execute());
    }

    /** @return true when the stream was {@code from} and is now {@code to} */
    public boolean transition(String id, StreamStatus from, StreamStatus to, String timeColumn, long now) {
        return transition(id, from, to, timeColumn, now, h -> {
        });
    }

    /**
     * As above, and runs {@code alsoInTransaction} (the webhook outbox) in the same transaction when the status
     * changed: if it fails, the status change rolls back with it.
     */
    public boolean transition(String id, StreamStatus from, StreamStatus to, String timeColumn, long now,
                              java.util.function.Consumer<Handle> alsoInTransaction) {
        if (!List.of("started_at", "ended_at", "cancelled_at").contains(timeColumn)) {
            throw new IllegalArgumentException(timeColumn);
        }
        return jdbi.inTransaction(h -> {
            boolean changed = h.createUpdate("UPDATE streams SET status = :to, " + timeColumn
                            + " = :now, updated_at = :now WHERE id = :id AND status = :from")
                    .bind("id", id).bind("from", from.wire()).bind("to", to.wire()).bind("now", now).execute() == 1;
            if (changed) {
                alsoInTransaction.accept(h);
            }
            return changed;
        });
    }

    /** The streams the database says are live on {@code node} (crash recovery at start-up). */
    public List<String> liveIds(String node) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM streams WHERE status = 'live' AND live_node = :node")
                .bind("node", node).mapTo(String.class).list());
    }

    public int countLive(String ownerId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM streams WHERE status = 'live' AND owner_id = :o")
                .bind("o", ownerId).mapTo(Integer.class).one());
    }

    /** {@code node} carries the live stream now. */
    public void setLiveNode(String id, String node) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE streams SET live_node = :node WHERE id = :id")
                .bind("id", id).bind("node", node).execute());
    }

    public Page<Stream> live(String me, String category, int limit, int offset) {
        String where = "WHERE s.status = 'live' AND" + VISIBLE_TO + (category == null ? "" : " AND s.category = :category");
        return jdbi.withHandle(h -> page(h, where, "ORDER BY viewer_count DESC, s.started_at DESC, s.id",
                me, category, limit, offset));
    }

    public Page<Stream> scheduled(String me, int limit, int offset) {
        String where = "WHERE s.status = 'scheduled' AND s.scheduled_at IS NOT NULL AND" + VISIBLE_TO;
        return jdbi.withHandle(h -> page(h, where, "ORDER BY s.scheduled_at ASC, s.id", me, null, limit, offset));
    }

    public Page<Stream> ownedBy(String ownerId, String me, int limit, int offset) {
        String where = "WHERE s.owner_id = :owner" + (ownerId.equals(me) ? "" : " AND s.status <> 'cancelled' AND" + VISIBLE_TO);
        return jdbi.withHandle(h -> {
            var q = h.createQuery(SELECT + where + " ORDER BY s.created_at DESC, s.id LIMIT :limit OFFSET :offset")
                    .bind("owner", ownerId).bind("me", me).bind("limit", limit).bind("offset", offset);
            List<Stream> items = q.map(MAPPER).list();
            int total = h.createQuery("SELECT COUNT(*) FROM streams s " + where).bind("owner", ownerId).bind("me", me)
                    .mapTo(Integer.class).one();
            return new Page<>(items, limit, offset, total);
        });
    }

    private static Page<Stream> page(Handle h, String where, String order, String me, String category, int limit, int offset) {
        var q = h.createQuery(SELECT + where + " " + order + " LIMIT :limit OFFSET :offset")
                .bind("me", me).bind("limit", limit).bind("offset", offset);
        var c = h.createQuery("SELECT COUNT(*) FROM streams s " + where).bind("me", me);
        if (category != null) {
            q.bind("category", category);
            c.bind("category", category);
        }
        return new Page<>(q.map(MAPPER).list(), limit, offset, c.mapTo(Integer.class).one());
    }

    public int currentViewers(String id) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM viewer_sessions WHERE stream_id = :id AND left_at IS NULL")
                .bind("id", id).mapTo(Integer.class).one());
    }

    /** Raises the stored peak to the current open-session count (one statement, so racing joins agree). */
    public void raisePeak(String id) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE streams SET peak_viewers = GREATEST(peak_viewers, (SELECT COUNT(*)"
                + " FROM viewer_sessions WHERE stream_id = :id AND left_at IS NULL)) WHERE id = :id").bind("id", id).execute());
    }

    private static String toJson(List<String> tags) {
        try {
            return JSON.writeValueAsString(tags);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> fromJson(String s) {
        try {
            return s == null ? List.of() : JSON.readValue(s, STRING_LIST);
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    private static Long nullableLong(ResultSet rs, String col) throws SQLException {
        long v = rs.getLong(col);
        return rs.wasNull() ? null : v;
    }

    static final RowMapper<Stream> MAPPER = (rs, ctx) -> new Stream(
            rs.getString("id"),
            rs.getString("owner_id"),
            rs.getString("title"),
            rs.getString("description"),
            rs.getString("category"),
            fromJson(rs.getString("tags")),
            rs.getString("quality"),
            Visibility.valueOf(rs.getString("visibility").toUpperCase(java.util.Locale.ROOT)),
            StreamStatus.valueOf(rs.getString("status").toUpperCase(java.util.Locale.ROOT)),
            nullableLong(rs, "scheduled_at"),
            nullableLong(rs, "started_at"),
            nullableLong(rs, "ended_at"),
            nullableLong(rs, "cancelled_at"),
            rs.getBoolean("recording_enabled"),
            rs.getBoolean("chat_enabled"),
            rs.getBoolean("reactions_enabled"),
            ChatMode.valueOf(rs.getString("chat_mode").toUpperCase(java.util.Locale.ROOT)),
            rs.getInt("slow_mode_seconds"),
            rs.getInt("peak_viewers"),
            rs.getInt("viewer_count"),
            rs.getLong("created_at"),
            rs.getLong("updated_at"));
}
