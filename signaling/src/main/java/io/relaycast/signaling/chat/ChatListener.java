package io.relaycast.signaling.chat;

/** Told after chat changes are stored, whichever door they came through (REST or Socket.IO). */
public interface ChatListener {
    default void onMessage(Comment comment) {
    }

    default void onDeleted(String streamId, String commentId) {
    }

    default void onPinned(String streamId, String commentId) {
    }

    default void onUnpinned(String streamId, String commentId) {
    }
}
