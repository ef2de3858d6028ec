package io.relaycast.signaling.stream;

/**
 * Told after a stream's status changed in the database: the Socket.IO gateway notifies rooms, the media
 * plane stops a publication, the recorder finalises. Listeners must not block; long work goes elsewhere.
 */
public interface StreamLifecycleListener {
    default void onStarted(Stream stream) {
    }

    default void onEnded(Stream stream) {
    }

    default void onCancelled(Stream stream) {
    }

    /**
     * A publisher (re)attached to a stream that was already live: a reconnect within the grace period, or the
     * broadcaster publishing again after a server restart. Listeners start whatever of theirs is not running.
     */
    default void onPublisherAttached(Stream stream) {
    }
}
