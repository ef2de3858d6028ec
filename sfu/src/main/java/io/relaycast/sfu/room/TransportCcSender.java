package io.relaycast.sfu.room;

import io.relaycast.sfu.rtp.RtpHeaderReader;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Transport-wide congestion control feedback toward the publisher (draft-holmer-rmcat-transport-wide-cc-
 * extensions-01): every packet with the transport-wide sequence number is recorded ({@link TransportCcRecorder}),
 * whatever its SSRC (padding probes on RTX included: the publisher's controller needs them all), and feedback goes
 * out every {@link #INTERVAL_NANOS}. Receive thread; the send under the RTCP lock.
 */
final class TransportCcSender {
    /** Transport-cc feedback cadence: libwebrtc receivers send it every 50-250 ms; we stay at the fast end. */
    static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final UpstreamRtcp rtcp;
    private final int extensionId;
    private final TransportCcRecorder recorder = new TransportCcRecorder();
    private final long startNanos = System.nanoTime();
    private long mediaSsrc;
    private long lastFeedbackNanos;
    private final LongAdder sent = new LongAdder();

    /** @param extensionId the negotiated transport-wide-cc header extension id; 0: not negotiated */
    TransportCcSender(UpstreamRtcp rtcp, int extensionId) {
        this.rtcp = rtcp;
        this.extensionId = extensionId;
    }

    boolean isNegotiated() {
        return extensionId > 0;
    }

    void onPacket(RtpHeaderReader header, long nowNanos) {
        if (extensionId <= 0) {
            return;
        }
        int at = header.findExtension(extensionId);
        if (at >= 0 && header.extensionLength(at) == 2) {
            recorder.onPacket(((header.buffer()[at] & 0xFF) << 8) | (header.buffer()[at + 1] & 0xFF),
                    (nowNanos - startNanos) / 1000);
            mediaSsrc = header.ssrc();
        }
        if (nowNanos - lastFeedbackNanos >= INTERVAL_NANOS && recorder.hasPending()) {
            lastFeedbackNanos = nowNanos;
            send();
        }
    }

    private void send() {
        synchronized (rtcp.lock) {
            for (int i = 0; i < 4 && recorder.hasPending(); i++) {
                int len = rtcp.beginCompound();
                int fb = recorder.writeFeedback(rtcp.out, len, rtcp.out.length - len - 64, rtcp.localSsrc,
                        mediaSsrc);
                if (len < 0 || fb <= 0) {
                    return;
                }
                if (rtcp.send(len + fb)) {
                    sent.increment();
                }
            }
        }
    }

    long sent() {
        return sent.sum();
    }
}
