package io.relaycast.sfu.srtp;

/**
 * Tunables of an {@link SrtpSession}.
 *
 * @param sendReplayProtection refuse to protect an RTP index twice. On by default: with AES-GCM (RFC 7714 §8.1)
 *        and AES-CM (RFC 3711 §9.1) re-protecting an index with a different payload reuses the keystream. Turn it
 *        off only if retransmissions re-protect the identical packet under its original sequence number (no
 *        RTX); with jitsi-srtp on SunJCE, GCM still refuses a repeated IV and the call returns
 *        {@link SrtpStatus#FAIL}.
 * @param maxStreamsPerDirection cap on SSRCs tracked per direction and per RTP/RTCP, so that a peer cannot make
 *        us derive and keep unbounded contexts.
 */
public record SrtpSessionOptions(boolean sendReplayProtection, int maxStreamsPerDirection) {
    public SrtpSessionOptions {
        if (maxStreamsPerDirection < 1) {
            throw new IllegalArgumentException("maxStreamsPerDirection must be positive");
        }
    }

    public static SrtpSessionOptions defaults() {
        return new SrtpSessionOptions(true, 1024);
    }
}
