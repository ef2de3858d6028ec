package io.relaycast.sfu.room;

import io.relaycast.sfu.rtcp.ReceiverEstimatedMaxBitrate;

import java.util.concurrent.atomic.LongAdder;

/**
 * REMB toward a publisher that negotiated goog-remb but not transport-cc (draft-alvestrand-rmcat-remb-03 section
 * 2): without transport-cc this is what lets the sender go up to the configured bitrate; we do no receive-side
 * estimation of our own. Appended to each receiver report.
 */
final class RembSender {
    private final UpstreamRtcp rtcp;
    private final RecvStreams streams;
    private final boolean enabled;
    private final long[] ssrcs = new long[RecvStreams.MAX_SOURCES];
    private volatile long bitrate;
    private final LongAdder sent = new LongAdder();

    RembSender(UpstreamRtcp rtcp, RecvStreams streams, boolean enabled) {
        this.rtcp = rtcp;
        this.streams = streams;
        this.enabled = enabled;
    }

    /** The bitrate to announce (the configured publisher maximum); 0 sends none. */
    void setBitrate(long bitsPerSecond) {
        this.bitrate = Math.max(0, bitsPerSecond);
    }

    /** Appends a REMB for every video media source at {@code len} of the RTCP buffer. Under the RTCP lock. */
    int append(int len) {
        long remb = bitrate;
        if (!enabled || remb <= 0) {
            return len;
        }
        int count = 0;
        int n = streams.count();
        for (int i = 0; i < n; i++) {
            if (streams.get(i).isVideoMedia()) {
                ssrcs[count++] = streams.get(i).ssrc;
            }
        }
        int r = ReceiverEstimatedMaxBitrate.write(rtcp.out, len, rtcp.localSsrc, remb, ssrcs, count);
        if (r <= 0) {
            return len;
        }
        sent.increment();
        return len + r;
    }

    /** What we announce, or null when the publisher does not take REMB from us. */
    Long announced() {
        return enabled ? bitrate : null;
    }

    long sent() {
        return sent.sum();
    }
}
