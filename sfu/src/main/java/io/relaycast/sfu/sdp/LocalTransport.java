package io.relaycast.sfu.sdp;

import java.util.List;
import java.util.Objects;

/**
 * Our side of one peer connection's transport, as written into answers and offers.
 *
 * @param iceUfrag    RFC 8839 section 5.4: 4-256 ice-chars
 * @param icePwd      22-256 ice-chars
 * @param fingerprint SHA-256 fingerprint of the SFU's DTLS certificate
 * @param candidates  our candidates; empty when they will be trickled
 * @param iceLite     whether we run ICE lite (RFC 8445 section 2.5), announced by a session-level a=ice-lite
 */
public record LocalTransport(String iceUfrag, String icePwd, Fingerprint fingerprint, List<IceCandidate> candidates,
                             boolean iceLite) {

    public LocalTransport {
        Objects.requireNonNull(iceUfrag, "iceUfrag");
        Objects.requireNonNull(icePwd, "icePwd");
        Objects.requireNonNull(fingerprint, "fingerprint");
        candidates = List.copyOf(candidates);
        if (!SdpSyntax.isIceChars(iceUfrag) || iceUfrag.length() < 4 || iceUfrag.length() > 256) {
            throw new IllegalArgumentException("ice ufrag must be 4-256 ice-chars (RFC 8839 section 5.4)");
        }
        if (!SdpSyntax.isIceChars(icePwd) || icePwd.length() < 22 || icePwd.length() > 256) {
            throw new IllegalArgumentException("ice pwd must be 22-256 ice-chars (RFC 8839 section 5.4)");
        }
        if (!fingerprint.algorithm().equalsIgnoreCase(Fingerprint.SHA_256)) {
            throw new IllegalArgumentException("our certificate fingerprint must be sha-256, not " + fingerprint.algorithm());
        }
    }

    public LocalTransport(String iceUfrag, String icePwd, Fingerprint fingerprint, List<IceCandidate> candidates) {
        this(iceUfrag, icePwd, fingerprint, candidates, false);
    }
}
