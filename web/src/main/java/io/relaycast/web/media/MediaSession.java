package io.relaycast.web.media;

import io.relaycast.signaling.peer.PeerAdmission;

/**
 * One WHIP or WHEP resource (RFC 9725 §4.2: the URL in {@code Location}): which stream and media-plane peer it
 * is, for WHEP the viewer session that counts it, and the peer-limit ticket given back when it goes.
 */
record MediaSession(String resourceId, String streamId, String peerId, boolean publisher, String viewerSessionId,
                    String etag, PeerAdmission.Ticket ticket) {
}
