package io.relaycast.signaling.reaction;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.db.Sql;
import io.relaycast.signaling.moderation.ModerationService;
import io.relaycast.signaling.stream.StreamService;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * Likes: one per signed-in user and stream, undone with unlike; the room hears the new count
 * ({@code stream:likes}). Unlike a reaction (a burst on screen), a like is a state.
 */
public final class LikeService {
    /** The caller's like and the stream's count after the call. */
    public record LikeState(boolean liked, int likeCount) {
    }

    private final LikeRepository likes;
    private final StreamService streams;
    private final ModerationService moderation;
    private final Clock clock;
    private final List<BiConsumer<String, Integer>> listeners = new CopyOnWriteArrayList<>();

    public LikeService(LikeRepository likes, StreamService streams, ModerationService moderation, Clock clock) {
        this.likes = likes;
        this.streams = streams;
        this.moderation = moderation;
        this.clock = clock;
    }

    /** Told (streamId, likeCount) after the count changed. */
    public void addListener(BiConsumer<String, Integer> l) {
        listeners.add(l);
    }

    public LikeState like(Principal who, String streamId) {
        streams.requireVisible(who, streamId);
        moderation.requireNotBanned(streamId, who.userId());
        boolean added;
        try {
            added = likes.like(streamId, who.userId(), clock.millis());
        } catch (UnableToExecuteStatementException e) {
            if (!Sql.isUniqueViolation(e)) {
                throw e;
            }
            added = false; // the same user's other request won the race
        }
        return changed(streamId, added, true);
    }

    public LikeState unlike(Principal who, String streamId) {
        streams.requireVisible(who, streamId);
        moderation.requireNotBanned(streamId, who.userId());
        return changed(streamId, likes.unlike(streamId, who.userId()), false);
    }

    /** {@code viewer} null: anonymous (liked = false). */
    public LikeState state(Principal viewer, String streamId) {
        streams.requireVisible(viewer, streamId);
        return new LikeState(viewer != null && likes.likes(streamId, viewer.userId()), likes.count(streamId));
    }

    public int count(String streamId) {
        return likes.count(streamId);
    }

    private LikeState changed(String streamId, boolean changed, boolean liked) {
        int count = likes.count(streamId);
        if (changed) {
            listeners.forEach(l -> l.accept(streamId, count));
        }
        return new LikeState(liked, count);
    }
}
