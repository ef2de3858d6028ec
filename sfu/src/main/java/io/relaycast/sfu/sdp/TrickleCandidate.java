package io.relaycast.sfu.sdp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A trickled candidate as browsers exchange it: RTCIceCandidateInit {@code {candidate, sdpMid, sdpMLineIndex,
 * usernameFragment}}, the payload of the Socket.IO {@code stream:ice-candidate} events. An empty candidate string
 * is the end-of-candidates signal (RFC 8838 section 13, W3C webrtc-pc 4.8.2).
 *
 * @param candidate        {@code candidate:...} as in RTCIceCandidate.candidate, or "" for end of candidates
 * @param sdpMid           null when absent
 * @param sdpMLineIndex    -1 when absent
 * @param usernameFragment null when absent; lets the receiver drop candidates of a previous ICE generation
 */
public record TrickleCandidate(String candidate, String sdpMid, int sdpMLineIndex, String usernameFragment) {

    public TrickleCandidate {
        Objects.requireNonNull(candidate, "candidate");
    }

    public static TrickleCandidate of(IceCandidate candidate, String sdpMid, int sdpMLineIndex) {
        return new TrickleCandidate(candidate.toCandidateString(), sdpMid, sdpMLineIndex, null);
    }

    /**
     * Reads a decoded JSON object (Jackson or netty-socketio maps). Like RTCPeerConnection.addIceCandidate, it
     * needs sdpMid or sdpMLineIndex unless the candidate is empty.
     */
    public static TrickleCandidate fromMap(Map<String, ?> json) throws SdpException {
        if (json == null) {
            throw SdpException.malformed("the ICE candidate payload is missing");
        }
        String candidate = text(json, "candidate");
        String mid = text(json, "sdpMid");
        Object indexValue = json.get("sdpMLineIndex");
        int index = -1;
        if (indexValue != null) {
            if (!(indexValue instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())
                    || number.longValue() < 0 || number.longValue() > 65535) {
                throw SdpException.malformed("sdpMLineIndex must be a small non-negative integer, got "
                        + SdpSyntax.quote(String.valueOf(indexValue)));
            }
            index = number.intValue();
        }
        String ufrag = text(json, "usernameFragment");
        TrickleCandidate trickle = new TrickleCandidate(candidate == null ? "" : candidate, mid, index, ufrag);
        if (!trickle.isEndOfCandidates()) {
            if (mid == null && index < 0) {
                throw SdpException.malformed("an ICE candidate needs sdpMid or sdpMLineIndex");
            }
            trickle.parsed();
        }
        return trickle;
    }

    private static String text(Map<String, ?> json, String key) throws SdpException {
        Object value = json.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw SdpException.malformed(key + " must be a string");
        }
        if (s.length() > 1024) {
            throw new SdpException(SdpErrorCode.SDP_TOO_LARGE, key + " is longer than 1024 characters");
        }
        return s;
    }

    public boolean isEndOfCandidates() {
        return candidate.isBlank();
    }

    /** The parsed candidate; fails for the end-of-candidates marker. */
    public IceCandidate parsed() throws SdpException {
        if (isEndOfCandidates()) {
            throw SdpException.malformed("the end-of-candidates marker carries no candidate");
        }
        return IceCandidate.parse(candidate);
    }

    /** The JSON object to emit, without absent members. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("candidate", candidate);
        if (sdpMid != null) {
            map.put("sdpMid", sdpMid);
        }
        if (sdpMLineIndex >= 0) {
            map.put("sdpMLineIndex", sdpMLineIndex);
        }
        if (usernameFragment != null) {
            map.put("usernameFragment", usernameFragment);
        }
        return map;
    }
}
