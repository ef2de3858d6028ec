package io.relaycast.sfu.media;

/**
 * The SSRC of one RTP stream and of its RTX repair stream, paired by {@code a=ssrc-group:FID}
 * (RFC 4588 section 8.3, RFC 5576 section 4.2).
 *
 * @param rtx 0 when the stream has no RTX pair
 */
public record StreamSsrcs(long media, long rtx) {

    public boolean hasRtx() {
        return rtx != 0;
    }
}
