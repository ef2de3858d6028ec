package io.relaycast.sfu.ingest;

import io.relaycast.sfu.rtcp.FullIntraRequest;
import io.relaycast.sfu.rtcp.PictureLossIndication;
import io.relaycast.sfu.rtcp.RtcpCompoundIterator;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.transport.PacketTransport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The send side of a local publication's {@link io.relaycast.sfu.room.Publisher}: what the SFU would send back
 * to a WebRTC publisher (receiver reports, NACKs, keyframe requests) ends here. Keyframe requests (PLI, RFC 4585
 * section 6.3.1; FIR, RFC 5104 section 4.3.1) are handed to the publication's callback; everything else is
 * counted and dropped, since the source (an RTMP encoder) has no RTCP channel.
 */
final class LoopbackTransport implements PacketTransport {
    private final RtcpCompoundIterator rtcp = new RtcpCompoundIterator();
    private final LongAdder rtcpDropped = new LongAdder();
    private final LongAdder keyframeRequests = new LongAdder();
    private volatile Runnable onKeyframeRequest = () -> { };
    private volatile Runnable onClose = () -> { };
    private volatile boolean closed;

    void onKeyframeRequest(Runnable callback) {
        this.onKeyframeRequest = callback;
    }

    void onClose(Runnable callback) {
        this.onClose = callback;
    }

    @Override
    public boolean sendRtp(byte[] buf, int off, int len) {
        return false; // a publisher is never sent media
    }

    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        if (closed) {
            return false;
        }
        boolean keyframe = false;
        synchronized (rtcp) {
            if (rtcp.reset(buf, off, len)) {
                while (rtcp.next()) {
                    int fmt = rtcp.count();
                    if (rtcp.packetType() == RtcpPacketType.PAYLOAD_FEEDBACK
                            && (fmt == PictureLossIndication.FORMAT || fmt == FullIntraRequest.FORMAT)) {
                        keyframe = true;
                    }
                }
            }
        }
        if (keyframe) {
            keyframeRequests.increment();
            onKeyframeRequest.run();
        } else {
            rtcpDropped.increment();
        }
        return true;
    }

    @Override
    public boolean isReady() {
        return !closed;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public int rtpOverhead() {
        return 0;
    }

    @Override
    public int rtcpOverhead() {
        return 0;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.run();
    }

    @Override
    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "local");
        m.put("closed", closed);
        m.put("keyframeRequests", keyframeRequests.sum());
        m.put("rtcpDropped", rtcpDropped.sum());
        return m;
    }
}
