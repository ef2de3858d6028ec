package io.relaycast.sfu.room;

import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.SenderReport;
import io.relaycast.sfu.rtcp.SourceDescription;
import io.relaycast.sfu.rtp.RtpHeaderReader;
import io.relaycast.sfu.rtp.RtpStreamRewriter;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stream we send a viewer (its audio or its video): a consumer stream. It rewrites the publisher's packets into
 * the viewer's SSRC, sequence and timestamp space ({@link RtpStreamRewriter}: continuous across publisher restarts
 * and layer switches, random start per RFC 3550 section 5.1), counts what it sent, writes the viewer's sender
 * reports (RFC 3550 section 6.4.1: the publisher's NTP time with the RTP timestamp mapped into the viewer's space)
 * and keeps what the viewer's reports say about it (loss, jitter, round trip through LSR/DLSR).
 *
 * <p>Written under the subscriber's monitor; the counters and the viewer's latest report are volatile so the stats
 * read them without that monitor.
 */
final class RtpStreamSend {
    private static final ReportBlock[] NO_BLOCKS = new ReportBlock[0];

    final long ssrc;
    final int clockRate;
    final RtpStreamRewriter rewriter;
    /** Packets and payload octets as the sender report counts them (RFC 3550 section 6.4.1). */
    volatile long packets;
    volatile long octets;
    final RateMeter rate = new RateMeter();
    final SentReportTimes reports = new SentReportTimes();
    /** From the viewer's latest report block about this stream (RFC 3550 section 6.4.1); -1 before one. */
    volatile int fractionLost = -1;
    volatile int cumulativeLost;
    volatile long jitter = -1;
    volatile long rttMicros = -1;
    volatile long rttAtMillis;

    RtpStreamSend(long ssrc, int clockRate, SecureRandom random) {
        this.ssrc = ssrc;
        this.clockRate = clockRate;
        this.rewriter = RtpStreamRewriter.withRandomStart(ssrc, clockRate, random);
    }

    /** Rewrites the packet in {@code reader} in place; false when it is older than the current mapping. */
    boolean rewrite(RtpHeaderReader reader, long receivedAtMillis) {
        return rewriter.rewrite(reader, receivedAtMillis);
    }

    /** A packet of {@code length} octets ({@code payload} of payload) went out. */
    void onSent(int length, int payload, long atMillis) {
        packets++;
        octets += payload;
        rate.onPacket(length, atMillis);
    }

    /**
     * The publisher's sender report of {@code sourceSsrc}, as ours (SR + SDES CNAME, RFC 3550 sections 6.4.1 and
     * 6.1) into {@code buf}.
     *
     * @return its length, or -1 when nothing is sent from that source yet (its timestamps mean nothing to the
     *         viewer) or it does not fit
     */
    int writeSenderReport(byte[] buf, long sourceSsrc, long ntpTimestamp, long rtpTimestamp, byte[] cname) {
        if (ssrc == 0 || !rewriter.isStarted() || rewriter.sourceSsrc() != sourceSsrc) {
            return -1;
        }
        int len = SenderReport.write(buf, 0, ssrc, ntpTimestamp, rewriter.mapTimestamp(rtpTimestamp), packets,
                octets, NO_BLOCKS, 0);
        int sdes = len < 0 ? -1 : SourceDescription.writeCname(buf, len, ssrc, cname, 0, cname.length);
        return sdes < 0 ? -1 : len + sdes;
    }

    /** The viewer's report block about this stream, arrived at {@code arrivalNanos}. */
    void onReport(ReportBlock block, long arrivalNanos) {
        fractionLost = block.fractionLost();
        cumulativeLost = block.cumulativeLost();
        jitter = block.jitter();
        long rtt = reports.roundTripMicros(block, arrivalNanos);
        if (rtt >= 0) {
            rttMicros = rtt;
            rttAtMillis = System.currentTimeMillis();
        }
    }

    double jitterMillis() {
        return jitter * 1000.0 / clockRate;
    }

    Map<String, Object> debugState(TrackMapping mapping, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ssrc", ssrc);
        m.put("packets", packets);
        m.put("octets", octets);
        m.put("bitrateBps", rate.bitsPerSecond(now));
        m.put("packetsPerSecond", Publisher.round2(rate.packetsPerSecond(now)));
        int fraction = fractionLost;
        m.put("lossPercent", fraction < 0 ? null : Publisher.round2(fraction * 100.0 / 256));
        m.put("packetsLost", fraction < 0 ? null : cumulativeLost);
        m.put("jitterMs", fraction < 0 ? null : Publisher.round2(jitterMillis()));
        long rtt = rttMicros;
        m.put("rttMs", rtt < 0 ? null : Publisher.round2(rtt / 1000.0));
        m.put("mapping", mapping == null ? null : mapping.debugState());
        return m;
    }
}
