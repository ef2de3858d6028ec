package io.relaycast.signaling.moderation;

/** Told after a ban is stored or lifted (the gateway tells the banned user). */
public interface ModerationListener {
    default void onBanned(Ban ban) {
    }

    default void onUnbanned(String streamId, String userId) {
    }
}
