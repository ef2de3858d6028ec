package io.relaycast.sfu.room;

import io.relaycast.sfu.rtcp.FullIntraRequest;
import io.relaycast.sfu.rtcp.PictureLossIndication;

import java.util.concurrent.atomic.LongAdder;

/**
 * Keyframe requests toward the publisher: PLI (RFC 4585 section 6.3.1) when negotiated, else FIR (RFC 5104 section
 * 4.3.1) when that is, else PLI; for the forwarded video source, and for every layer of a simulcast track (viewers
 * switch layers on them). The room throttles the calls (viewers' PLIs, joins, layer switches).
 */
final class KeyframeRequester {
    private final UpstreamRtcp rtcp;
    private final RecvStreams streams;
    private final boolean useFir;
    /** Guarded by the RTCP lock (RFC 5104 section 4.3.1.1: one sequence number per new request). */
    private int firSequence;
    private final LongAdder sent = new LongAdder();

    KeyframeRequester(UpstreamRtcp rtcp, RecvStreams streams, boolean useFir) {
        this.rtcp = rtcp;
        this.streams = streams;
        this.useFir = useFir;
    }

    void send() {
        RtpStreamRecv video = streams.forwardedVideo();
        if (video == null || !rtcp.isReady()) {
            return;
        }
        synchronized (rtcp.lock) {
            int len = rtcp.beginCompound();
            if (len < 0) {
                return;
            }
            int n = streams.count();
            for (int i = 0; i < n; i++) {
                RtpStreamRecv s = streams.get(i);
                if (s != video && !(s.forwarded && !s.rtx && s.track == video.track)) {
                    continue;
                }
                int fb = useFir
                        ? FullIntraRequest.write(rtcp.out, len, rtcp.localSsrc, s.ssrc, firSequence++ & 0xFF)
                        : PictureLossIndication.write(rtcp.out, len, rtcp.localSsrc, s.ssrc);
                if (fb < 0) {
                    break;
                }
                len += fb;
            }
            if (rtcp.send(len)) {
                sent.increment();
                io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.KEYFRAME_REQUESTS_SENT, 1);
            }
        }
    }

    String kind() {
        return useFir ? "FIR" : "PLI";
    }

    long sent() {
        return sent.sum();
    }
}
