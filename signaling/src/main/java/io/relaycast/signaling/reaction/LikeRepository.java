package io.relaycast.signaling.reaction;

import org.jdbi.v3.core.Jdbi;

/** One like per user and stream (the primary key makes a second like a no-op). */
public final class LikeRepository {
    private final Jdbi jdbi;

    public LikeRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** @return true when this user had not liked the stream yet */
    public boolean like(String streamId, String userId, long now) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO stream_likes (stream_id, user_id, created_at)"
                        + " SELECT :s, :u, :now WHERE NOT EXISTS (SELECT 1 FROM stream_likes WHERE stream_id = :s AND user_id = :u)")
                .bind("s", streamId).bind("u", userId).bind("now", now).execute()) == 1;
    }

    public boolean unlike(String streamId, String userId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM stream_likes WHERE stream_id = :s AND user_id = :u")
                .bind("s", streamId).bind("u", userId).execute()) == 1;
    }

    public boolean likes(String streamId, String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM stream_likes WHERE stream_id = :s AND user_id = :u")
                .bind("s", streamId).bind("u", userId).mapTo(Integer.class).one()) > 0;
    }

    public int count(String streamId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM stream_likes WHERE stream_id = :s")
                .bind("s", streamId).mapTo(Integer.class).one());
    }
}
