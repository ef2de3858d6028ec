package io.relaycast.signaling.user;

import io.relaycast.signaling.db.Sql;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** The follow graph: who follows whom. Used for eligibility and followers-only streams and chat. */
public final class FollowRepository {
    private final Jdbi jdbi;

    public FollowRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** @return true when the edge is new */
    public boolean follow(String followerId, String followeeId, long now) {
        try {
            return jdbi.withHandle(h -> h.createUpdate(
                            "INSERT INTO follows (follower_id, followee_id, created_at) VALUES (:a, :b, :now)")
                    .bind("a", followerId).bind("b", followeeId).bind("now", now).execute()) == 1;
        } catch (UnableToExecuteStatementException e) {
            if (Sql.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    /** @return true when an edge was removed */
    public boolean unfollow(String followerId, String followeeId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM follows WHERE follower_id = :a AND followee_id = :b")
                .bind("a", followerId).bind("b", followeeId).execute()) == 1;
    }

    public boolean isFollowing(String followerId, String followeeId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM follows WHERE follower_id = :a AND followee_id = :b")
                .bind("a", followerId).bind("b", followeeId).mapTo(Integer.class).one()) > 0;
    }

    public int followerCount(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM follows WHERE followee_id = :id")
                .bind("id", userId).mapTo(Integer.class).one());
    }

    public int followingCount(String userId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM follows WHERE follower_id = :id")
                .bind("id", userId).mapTo(Integer.class).one());
    }
}
