package io.relaycast.signaling.user;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users and the follow graph. Users are not registered here: they arrive in integrators' tokens, and the
 * first authenticated call records them (and refreshes a changed display name).
 */
public final class UserService {
    /** Re-write last_seen_at at most this often per user, so authenticated reads don't each cost a write. */
    private static final long TOUCH_INTERVAL_MILLIS = 60_000;

    private final UserRepository users;
    private final FollowRepository follows;
    private final Clock clock;
    private final ConcurrentHashMap<String, Seen> seen = new ConcurrentHashMap<>();

    private record Seen(String name, long at) {
    }

    public UserService(UserRepository users, FollowRepository follows, Clock clock) {
        this.users = users;
        this.follows = follows;
        this.clock = clock;
    }

    public void touch(Principal p) {
        long now = clock.millis();
        Seen last = seen.get(p.userId());
        if (last != null && last.name().equals(p.displayName()) && now - last.at() < TOUCH_INTERVAL_MILLIS) {
            return;
        }
        users.upsert(p.userId(), p.displayName(), now);
        if (seen.size() > 50_000) {
            seen.clear();
        }
        seen.put(p.userId(), new Seen(p.displayName(), now));
    }

    public record FollowState(String userId, boolean following, int followerCount) {
    }

    public FollowState follow(Principal who, String followeeId) {
        validateUserId(followeeId);
        if (who.userId().equals(followeeId)) {
            throw ServiceException.invalid("you cannot follow yourself");
        }
        touch(who);
        follows.follow(who.userId(), followeeId, clock.millis());
        return new FollowState(followeeId, true, follows.followerCount(followeeId));
    }

    public FollowState unfollow(Principal who, String followeeId) {
        validateUserId(followeeId);
        follows.unfollow(who.userId(), followeeId);
        return new FollowState(followeeId, false, follows.followerCount(followeeId));
    }

    public boolean isFollowing(String followerId, String followeeId) {
        return follows.isFollowing(followerId, followeeId);
    }

    public int followerCount(String userId) {
        return follows.followerCount(userId);
    }

    private static void validateUserId(String id) {
        if (id == null || id.isBlank() || id.length() > 128) {
            throw new ServiceException(ErrorCode.USER_NOT_FOUND, "user id must be 1-128 characters");
        }
    }
}
