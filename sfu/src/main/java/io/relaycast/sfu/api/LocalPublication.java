package io.relaycast.sfu.api;

/**
 * A publication fed by this process rather than by a WebRTC peer (RTMP ingest): plain RTP and RTCP in, as if
 * decrypted from a publisher's transport; the SFU forwards it to viewers and taps like any other publication.
 * {@link #sendRtp} and {@link #sendRtcp} may be called from several threads; calls are serialised here.
 */
public interface LocalPublication extends AutoCloseable {

    /** One RTP packet of a track described in the offer (its SSRC and payload type). */
    void sendRtp(byte[] buf, int off, int len);

    /** An RTCP compound packet (sender reports that map RTP timestamps to wall-clock time for A/V sync). */
    void sendRtcp(byte[] buf, int off, int len);

    /**
     * Called (on an SFU thread; hand work off) when a viewer or tap asks for a keyframe (PLI or FIR). A source that
     * cannot ask its encoder (RTMP) may ignore it.
     */
    void onKeyframeRequest(Runnable callback);

    /** True until {@link #close} or until the SFU ended the publication (stream closed, replaced). */
    boolean isOpen();

    /** Leaves the room; idempotent. */
    @Override
    void close();
}
