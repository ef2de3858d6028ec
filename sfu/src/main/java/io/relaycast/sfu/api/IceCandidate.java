package io.relaycast.sfu.api;

/**
 * An ICE candidate as browsers exchange it ({@code RTCIceCandidateInit}): the {@code candidate:} attribute
 * value (RFC 8839 §5.1), its m-line's mid and index. An empty {@code candidate} is end-of-candidates.
 */
public record IceCandidate(String candidate, String sdpMid, Integer sdpMLineIndex) {
    public boolean isEndOfCandidates() {
        return candidate == null || candidate.isEmpty();
    }
}
