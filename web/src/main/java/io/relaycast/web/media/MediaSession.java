package io.relaycast.web.media;

/**
 * One WHIP or WHEP resource (RFC 9725 §4.2: the URL in {@code Location}): which stream and media-plane peer it
 * is, and for WHEP the viewer session that counts it.
 */
record MediaSession(String resourceId, String streamId, String peerId, boolean publisher, String viewerSessionId,
                    String etag) {
}
