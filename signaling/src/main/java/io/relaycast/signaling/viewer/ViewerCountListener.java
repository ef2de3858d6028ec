package io.relaycast.signaling.viewer;

/** Told whenever a stream's live viewer count may have changed (the gateway coalesces and pushes it). */
@FunctionalInterface
public interface ViewerCountListener {
    void onViewerCountChanged(String streamId);
}
