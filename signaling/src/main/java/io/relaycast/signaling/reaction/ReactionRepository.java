package io.relaycast.signaling.reaction;

import org.jdbi.v3.core.Jdbi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reactions in SQL, counted for analytics. */
public final class ReactionRepository {
    private final Jdbi jdbi;

    public ReactionRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void insert(Reaction r) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO reactions (id, stream_id, user_id, type, x, y, created_at)"
                        + " VALUES (:id, :stream, :user, :type, :x, :y, :at)")
                .bind("id", r.id()).bind("stream", r.streamId()).bind("user", r.userId()).bind("type", r.type().wire())
                .bind("x", r.x()).bind("y", r.y()).bind("at", r.createdAt()).execute());
    }

    public Map<String, Integer> countByType(String streamId) {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ReactionType t : ReactionType.values()) {
            out.put(t.wire(), 0);
        }
        jdbi.useHandle(h -> h.createQuery("SELECT type, COUNT(*) AS n FROM reactions WHERE stream_id = :s GROUP BY type")
                .bind("s", streamId).map((rs, ctx) -> Map.entry(rs.getString("type"), rs.getInt("n")))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    public List<long[]> perMinute(String streamId) {
        return perBucket(streamId, 60_000);
    }

    /** Counts per bucket of {@code bucketMillis} (epoch bucket number → count), oldest first. */
    public List<long[]> perBucket(String streamId, long bucketMillis) {
        // a number written into the SQL (a long, never text from a request): the same expression in SELECT and
        // GROUP BY, which PostgreSQL requires and two bind parameters would not be
        long bucket = Math.max(1, bucketMillis);
        return jdbi.withHandle(h -> h.createQuery("SELECT created_at / " + bucket + " AS m, COUNT(*) AS n FROM reactions"
                        + " WHERE stream_id = :s GROUP BY created_at / " + bucket + " ORDER BY m")
                .bind("s", streamId)
                .map((rs, ctx) -> new long[]{rs.getLong("m"), rs.getLong("n")}).list());
    }
}
