package io.relaycast.signaling.viewer;

/** One viewer watching one stream from {@code joinedAt} until {@code leftAt} (null while watching). */
public record ViewerSession(String id, String streamId, String userId, String viewerKey, String transport,
                            long joinedAt, Long leftAt) {
}
