package io.relaycast.sfu.room;

import io.relaycast.sfu.rtcp.FullIntraRequest;
import io.relaycast.sfu.rtcp.PictureLossIndication;

import java.util.concurrent.atomic.LongAdder;

/**
 * Keyframe requests toward the publisher, for the forwarded video source and for every layer of a simulcast track
 * (viewers switch layers on them). The room throttles the calls (viewers' PLIs, joins, layer switches).
 *
 * <p>What goes out depends on what the publisher's video codec negotiated ({@link #forFeedback}): PLI (RFC 4585
 * section 6.3.1) with {@code nack pli}, FIR (RFC 5104 section 4.3.1) with {@code ccm fir}, both in one compound packet
 * when both are negotiated, and PLI when neither is (every WebRTC sender answers it). Both, because a sender that
 * negotiated both may act on only one of them (encoders and gateways that implement FIR alone exist), and the pair
 * costs nothing where both work: libwebrtc (Chromium, Firefox) turns the PLI and FIR of one compound packet into a
 * single keyframe request, and GStreamer 1.22's webrtcbin, which acts on either (measured: a viewer's first frame
 * 749 ms after joining with PLI alone, 804 ms with both, its encoder's own keyframes 10 s apart), gets both before
 * its next frame. FIR is the command RFC 5104 section 4.3.1.2 names for a new receiver joining: exactly when the SFU
 * asks.
 */
final class KeyframeRequester {
    private final UpstreamRtcp rtcp;
    private final RecvStreams streams;
    private final boolean usePli;
    private final boolean useFir;
    private final LongAdder sent = new LongAdder();

    KeyframeRequester(UpstreamRtcp rtcp, RecvStreams streams, boolean usePli, boolean useFir) {
        if (!usePli && !useFir) {
            throw new IllegalArgumentException("a keyframe request needs PLI or FIR");
        }
        this.rtcp = rtcp;
        this.streams = streams;
        this.usePli = usePli;
        this.useFir = useFir;
    }

    /** From the publisher's video {@code a=rtcp-fb} values: see the class comment. */
    static KeyframeRequester forFeedback(UpstreamRtcp rtcp, RecvStreams streams, java.util.List<String> videoFeedback) {
        boolean fir = videoFeedback.contains("ccm fir");
        boolean pli = videoFeedback.contains("nack pli") || !fir;
        return new KeyframeRequester(rtcp, streams, pli, fir);
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
                if (usePli) {
                    int pli = PictureLossIndication.write(rtcp.out, len, rtcp.localSsrc, s.ssrc);
                    if (pli < 0) {
                        break;
                    }
                    len += pli;
                }
                if (useFir) {
                    // RFC 5104 section 4.3.1.1: one sequence number space per (our SSRC, target SSRC), increased
                    // for every new request, so the sender can tell a new request from a repeated packet
                    int fir = FullIntraRequest.write(rtcp.out, len, rtcp.localSsrc, s.ssrc, s.firSequence & 0xFF);
                    if (fir < 0) {
                        break;
                    }
                    s.firSequence++;
                    len += fir;
                }
            }
            if (rtcp.send(len)) {
                sent.increment();
                io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.KEYFRAME_REQUESTS_SENT, 1);
            }
        }
    }

    /** "PLI", "FIR" or "PLI+FIR", for the debug state. */
    String kind() {
        return usePli && useFir ? "PLI+FIR" : useFir ? "FIR" : "PLI";
    }

    long sent() {
        return sent.sum();
    }
}
