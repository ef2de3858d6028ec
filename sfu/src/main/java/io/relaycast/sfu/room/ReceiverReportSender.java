package io.relaycast.sfu.room;

import io.relaycast.sfu.rtcp.ExtendedReport;
import io.relaycast.sfu.rtcp.NtpTime;
import io.relaycast.sfu.rtcp.ReceiverReport;
import io.relaycast.sfu.rtcp.SourceDescription;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Receiver reports toward the publisher, once a second (RFC 3550 section 6.4.2; the reduced minimum of section
 * 6.2, 360 / session bandwidth in kbit/s, allows that from about 360 kbit/s of media up): one report block per
 * source heard from, SDES CNAME (section 6.1), an XR receiver reference time (RFC 3611 section 4.4) and, when
 * negotiated, a REMB. The publisher's DLRR answer (RFC 3611 section 4.5) is our only round trip to it, since a
 * receiver without media sends no SR for it to echo. Each report also measures the sources' payload bitrates.
 */
final class ReceiverReportSender {
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final byte[] CNAME = "relaycast-sfu".getBytes(StandardCharsets.US_ASCII);

    private final UpstreamRtcp rtcp;
    private final RecvStreams streams;
    private final RembSender remb;
    /** Our receiver reference times, guarded by the RTCP lock. */
    private final SentReportTimes referenceTimes = new SentReportTimes();
    private long lastRateNanos = System.nanoTime();
    /** Receive thread only. */
    private long lastReportNanos;
    /** Round trip from the publisher's DLRR answers; -1 before the first. */
    private volatile long rttMicros = -1;
    private final LongAdder sent = new LongAdder();

    ReceiverReportSender(UpstreamRtcp rtcp, RecvStreams streams, RembSender remb) {
        this.rtcp = rtcp;
        this.streams = streams;
        this.remb = remb;
    }

    /** Sends a report when the interval has passed. Receive thread. */
    void onPacket(long nowNanos) {
        if (nowNanos - lastReportNanos >= INTERVAL_NANOS) {
            lastReportNanos = nowNanos;
            send(nowNanos);
        }
    }

    void send(long nowNanos) {
        synchronized (rtcp.lock) {
            int count = 0;
            int n = streams.count();
            long interval = nowNanos - lastRateNanos;
            lastRateNanos = nowNanos;
            for (int i = 0; i < n && count < rtcp.blocks.length; i++) {
                RtpStreamRecv s = streams.get(i);
                s.measureBitrate(interval);
                if (s.stats.report(s.ssrc, nowNanos, rtcp.blocks[count])) {
                    s.fractionLost = rtcp.blocks[count].fractionLost();
                    count++;
                }
            }
            int len = ReceiverReport.write(rtcp.out, 0, rtcp.localSsrc, rtcp.blocks, count);
            if (len < 0) {
                return;
            }
            int sdes = SourceDescription.writeCname(rtcp.out, len, rtcp.localSsrc, CNAME, 0, CNAME.length);
            if (sdes > 0) {
                len += sdes;
            }
            // RFC 3611 section 4.4: our NTP time, which the publisher echoes in a DLRR block: the only round trip
            // a receiver that sends no media (so no SR, no LSR to echo) can measure
            long ntp = NtpTime.fromUnixMillis(System.currentTimeMillis());
            int rrtr = ExtendedReport.writeReceiverReferenceTime(rtcp.out, len, rtcp.localSsrc, ntp);
            if (rrtr > 0) {
                len += rrtr;
                referenceTimes.sent(ntp, nowNanos);
            }
            len = remb.append(len);
            if (rtcp.send(len)) {
                sent.increment();
            }
        }
    }

    /** The publisher's DLRR about our reference time (RFC 3611 section 4.5), in {@code xr}, arrived now. */
    void onDlrr(ExtendedReport xr, long arrivalNanos) {
        synchronized (rtcp.lock) {
            long rtt = referenceTimes.roundTripMicros(xr.lastReceiverReport(), xr.delaySinceLastReceiverReport(),
                    arrivalNanos);
            if (rtt >= 0) {
                rttMicros = rtt;
            }
        }
    }

    long rttMicros() {
        return rttMicros;
    }

    long sent() {
        return sent.sum();
    }
}
