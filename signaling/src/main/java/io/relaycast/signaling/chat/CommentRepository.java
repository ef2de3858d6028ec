package io.relaycast.signaling.chat;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** Chat messages in SQL. Deleting is soft: the row stays (moderation record) and disappears from reads. */
public final class CommentRepository {
    private static final RowMapper<Comment> MAPPER = (rs, ctx) -> {
        long del = rs.getLong("deleted_at");
        Long deletedAt = rs.wasNull() ? null : del;
        return new Comment(rs.getLong("seq"), rs.getString("id"), rs.getString("stream_id"), rs.getString("user_id"),
                rs.getString("display_name"), rs.getString("content"), rs.getBoolean("pinned"), deletedAt,
                rs.getLong("created_at"));
    };

    private final Jdbi jdbi;

    public CommentRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Comment insert(String id, String streamId, String userId, String displayName, String content, long now) {
        return jdbi.withHandle(h -> {
            h.createUpdate("INSERT INTO chat_messages (id, stream_id, user_id, display_name, content, pinned, created_at)"
                            + " VALUES (:id, :stream, :user, :name, :content, FALSE, :now)")
                    .bind("id", id).bind("stream", streamId).bind("user", userId).bind("name", displayName)
                    .bind("content", content).bind("now", now).execute();
            return h.createQuery("SELECT * FROM chat_messages WHERE id = :id").bind("id", id).map(MAPPER).one();
        });
    }

    public Optional<Comment> find(String streamId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM chat_messages WHERE id = :id AND stream_id = :stream")
                .bind("id", id).bind("stream", streamId).map(MAPPER).findOne());
    }

    /** Up to {@code limit} visible messages older than {@code beforeSeq}, returned oldest first. */
    public List<Comment> before(String streamId, long beforeSeq, int limit) {
        List<Comment> newestFirst = jdbi.withHandle(h -> h.createQuery("SELECT * FROM chat_messages WHERE stream_id = :stream"
                        + " AND deleted_at IS NULL AND seq < :before ORDER BY seq DESC LIMIT :limit")
                .bind("stream", streamId).bind("before", beforeSeq).bind("limit", limit).map(MAPPER).list());
        List<Comment> out = new ArrayList<>(newestFirst);
        Collections.reverse(out);
        return out;
    }

    public Optional<Comment> pinned(String streamId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM chat_messages WHERE stream_id = :stream AND pinned = TRUE"
                        + " AND deleted_at IS NULL ORDER BY seq DESC LIMIT 1")
                .bind("stream", streamId).map(MAPPER).findOne());
    }

    /** One pinned message per stream: pinning unpins the previous one in the same transaction. */
    public void pin(String streamId, String id) {
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE chat_messages SET pinned = FALSE WHERE stream_id = :stream AND pinned = TRUE")
                    .bind("stream", streamId).execute();
            h.createUpdate("UPDATE chat_messages SET pinned = TRUE WHERE stream_id = :stream AND id = :id")
                    .bind("stream", streamId).bind("id", id).execute();
        });
    }

    /** @return true when the message was pinned */
    public boolean unpin(String streamId, String id) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE chat_messages SET pinned = FALSE WHERE stream_id = :stream"
                + " AND id = :id AND pinned = TRUE").bind("stream", streamId).bind("id", id).execute()) == 1;
    }

    public boolean softDelete(String streamId, String id, String by, long now) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE chat_messages SET deleted_at = :now, deleted_by = :by,"
                        + " pinned = FALSE WHERE stream_id = :stream AND id = :id AND deleted_at IS NULL")
                .bind("stream", streamId).bind("id", id).bind("by", by).bind("now", now).execute()) == 1;
    }

    public int countVisible(String streamId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM chat_messages WHERE stream_id = :s AND deleted_at IS NULL")
                .bind("s", streamId).mapTo(Integer.class).one());
    }

    /** Visible messages per minute bucket (epoch minute → count). */
    public List<long[]> perMinute(String streamId) {
        return perBucket(streamId, 60_000);
    }

    /** Counts per bucket of {@code bucketMillis} (epoch bucket number → count), oldest first. */
    public List<long[]> perBucket(String streamId, long bucketMillis) {
        // a number written into the SQL (a long, never text from a request): the same expression in SELECT and
        // GROUP BY, which PostgreSQL requires and two bind parameters would not be
        long bucket = Math.max(1, bucketMillis);
        return jdbi.withHandle(h -> h.createQuery("SELECT created_at / " + bucket + " AS m, COUNT(*) AS n FROM chat_messages"
                        + " WHERE stream_id = :s AND deleted_at IS NULL GROUP BY created_at / " + bucket + " ORDER BY m")
                .bind("s", streamId)
                .map((rs, ctx) -> new long[]{rs.getLong("m"), rs.getLong("n")}).list());
    }
}
