package io.relaycast.sfu.room;

import io.relaycast.sfu.rtcp.ReceiverReport;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.transport.PacketTransport;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The RTCP channel toward one publisher, shared by its feedback senders ({@link ReceiverReportSender},
 * {@link RembSender}, {@link TransportCcSender}, {@link NackSender}, {@link KeyframeRequester}): our SSRC, one send
 * buffer and the lock that guards it. The receive thread, the room's timer and viewers' keyframe requests write
 * feedback; no signaling code takes the lock.
 */
final class UpstreamRtcp {
    final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    final byte[] out = new byte[1500];
    final long localSsrc = 1 + ThreadLocalRandom.current().nextLong(0xFFFF_FFFEL);
    /** Report blocks of the receiver report, guarded by {@link #lock}. */
    final ReportBlock[] blocks = new ReportBlock[RecvStreams.MAX_SOURCES];
    private final PacketTransport transport;

    UpstreamRtcp(PacketTransport transport) {
        this.transport = transport;
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new ReportBlock();
        }
    }

    /**
     * Starts a compound packet with an empty receiver report: a compound RTCP packet starts with a report (RFC 3550
     * section 6.1) and an empty RR is the smallest. Under {@link #lock}.
     *
     * @return its length, or negative when it does not fit
     */
    int beginCompound() {
        return ReceiverReport.write(out, 0, localSsrc, blocks, 0);
    }

    /** Sends {@code out[0, len)}. Under {@link #lock}. */
    boolean send(int len) {
        return transport.sendRtcp(out, 0, len);
    }

    boolean isReady() {
        return transport.isReady();
    }
}
