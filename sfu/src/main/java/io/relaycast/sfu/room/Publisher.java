package io.relaycast.sfu.room;

import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.PublisherStats;
import io.relaycast.sfu.rtcp.ExtendedReport;
import io.relaycast.sfu.rtcp.FullIntraRequest;
import io.relaycast.sfu.rtcp.GenericNack;
import io.relaycast.sfu.rtcp.NtpTime;
import io.relaycast.sfu.rtcp.PictureLossIndication;
import io.relaycast.sfu.rtcp.ReceiverEstimatedMaxBitrate;
import io.relaycast.sfu.rtcp.ReceiverReport;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.RtcpCompoundIterator;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.rtcp.SenderReport;
import io.relaycast.sfu.rtcp.SourceDescription;
import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.rtp.Keyframes;
import io.relaycast.sfu.rtp.RtpHeaderReader;
import io.relaycast.sfu.rtp.RtpHeaderWriter;
import io.relaycast.sfu.sdp.HeaderExtensions;
import io.relaycast.sfu.sdp.MediaKind;
import io.relaycast.sfu.sdp.NegotiatedCodec;
import io.relaycast.sfu.sdp.PublishedTrack;
import io.relaycast.sfu.sdp.PublishedTracks;
import io.relaycast.sfu.sdp.StreamSsrcs;
import io.relaycast.sfu.transport.PacketTransport;
import io.relaycast.sfu.transport.WebRtcTransport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broadcaster's side of a room: receives its decrypted RTP and RTCP, maps each SSRC to a published track
 * (the SDP's a=ssrc lines, else the mid and rid header extensions, RFC 8843 section 15 and RFC 8852, else the
 * payload type), keeps receive statistics per source, and hands the forwarded sources' packets to the room.
 *
 * <p>Toward the publisher it sends RTCP receiver reports once a second (RFC 3550 section 6.4.2; the reduced minimum
 * of section 6.2, 360 / session bandwidth in kbit/s, allows that from about 360 kbit/s of media up) and keyframe
 * requests: PLI (RFC 4585 section 6.3.1) when negotiated, else FIR (RFC 5104 section 4.3.1) when that is, else PLI.
 * Each receiver report carries an XR receiver reference time (RFC 3611 section 4.4); the publisher's DLRR answer
 * (section 4.5) is our only round trip to it, since a receiver without media sends no SR for it to echo.
 *
 * <p>Simulcast: every layer (by rid, or by position in the SIM group) is handed to the room, marked with its layer
 * and whether it starts a keyframe; each viewer's {@link LayerSelector} takes one. Layer bitrates are measured
 * here once a second for the selectors.
 *
 * <p>Threads: {@link #onRtp} and {@link #onRtcp} run on the receive thread; receiver reports go out from it too.
 * Keyframe requests come from viewers' threads and the room's timer; the RTCP send buffer is guarded by its own
 * lock, which no signaling code takes.
 */
public final class Publisher extends Peer implements WebRtcTransport.MediaHandler {

    static final int MAX_SOURCES = 16;
    static final long REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Transport-cc feedback cadence: libwebrtc receivers send it every 50-250 ms; we stay at the fast end. */
    static final long TRANSPORT_FEEDBACK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Retransmission cache per video source: 512 packets is about 2 s at 2 Mbit/s of 1,200-octet packets. */
    static final int CACHE_PACKETS = 512;
    static final int CACHE_PACKET_BYTES = 1500;
    static final long CACHE_MAX_AGE_MILLIS = 1000;
    /** How often the missing list is looked at for NACKs toward the publisher. */
    static final long NACK_CHECK_MILLIS = 10;
    private static final byte[] CNAME = "relaycast-sfu".getBytes(StandardCharsets.US_ASCII);

    /** One incoming RTP stream (a track, a simulcast layer, or an RTX stream). */
    static final class Source {
        final long ssrc;
        final PublishedTrack track;
        final boolean rtx;
        final int layer;
        volatile boolean forwarded;
        final ReceiveStatistics stats;
        /** Video media sources: what viewers' NACKs are answered from. */
        final PacketCache cache;
        /** Video media sources whose codec negotiated NACK: what we ask the publisher to resend. */
        final LossTracker loss;
        /** For an RTX source: the media source it repairs, found on its first packet. */
        Source repairs;
        long packets;
        long octets;
        long octetsAtLastRate;
        /** Payload bit/s over the last report interval, for the layer selectors; -1 before the first. */
        volatile long bitrate = -1;
        /** Whole-packet rates for the stats, read without a lock. */
        final RateMeter rate = new RateMeter();
        /** The fraction lost (RFC 3550 section 6.4.1, in 1/256) of our last report interval. */
        volatile int fractionLost;
        /** The latest sender report of this source (RFC 3550 section 6.4.1); 0 / -1 before the first. */
        volatile long lastSenderReportNtp;
        volatile long lastSenderReportRtp = -1;

        Source(long ssrc, PublishedTrack track, boolean rtx, int layer) {
            this.ssrc = ssrc;
            this.track = track;
            this.rtx = rtx;
            this.layer = layer;
            this.stats = new ReceiveStatistics(track.primaryCodec().clockRate());
            boolean video = !rtx && track.kind() == MediaKind.VIDEO;
            this.cache = video ? new PacketCache(CACHE_PACKETS, CACHE_PACKET_BYTES, CACHE_MAX_AGE_MILLIS) : null;
            this.loss = video && track.primaryCodec().feedback().contains("nack") ? new LossTracker() : null;
        }
    }

    private final PublishedTracks tracks;
    private final Room room;
    private final long localSsrc;
    private final NegotiatedCodec[] codecByPt = new NegotiatedCodec[128];
    private final PublishedTrack[] trackByRtxPt = new PublishedTrack[128];
    /** RFC 4588 section 8.6: RTX payload type -> the payload type it repairs (apt), -1 if not RTX. */
    private final int[] aptByRtxPt = new int[128];
    private final int midExtensionId;
    private final int ridExtensionId;
    private final int repairedRidExtensionId;
    private final int transportCcExtensionId;
    private final boolean useFir;
    /** goog-remb negotiated and transport-cc not: the publisher's estimate comes from our REMB. */
    private final boolean useRemb;
    private volatile long rembBitrate;
    private final long[] rembSsrcs = new long[MAX_SOURCES];
    private final LongAdder rembsSent = new LongAdder();
    private final long startNanos = System.nanoTime();
    private final TransportCcRecorder transportCc = new TransportCcRecorder();
    private long transportCcMediaSsrc;
    private long lastTransportFeedbackNanos;

    private final Source[] sources = new Source[MAX_SOURCES];
    private volatile int sourceCount;
    private volatile Source forwardedVideo;

    private final MediaPacket packet = new MediaPacket();
    private final RtcpCompoundIterator rtcpIn = new RtcpCompoundIterator();
    private final SenderReport senderReport = new SenderReport();
    private final ExtendedReport extendedReport = new ExtendedReport();
    /** Our receiver reference times (RFC 3611 section 4.4), guarded by rtcpLock. */
    private final SentReportTimes referenceTimes = new SentReportTimes();
    /** Round trip from the publisher's DLRR answers (RFC 3611 section 4.5); -1 before the first. */
    private volatile long rttMicros = -1;

    private final Object rtcpLock = new Object();
    private final byte[] rtcpOut = new byte[1500];
    private final ReportBlock[] blocks = new ReportBlock[MAX_SOURCES];
    private int firSequence;
    private long lastReportNanos;
    private long lastNackCheckMillis;
    private long lastRateNanos = System.nanoTime();
    private final int[] nackList = new int[LossTracker.CAPACITY];

    private final LongAdder malformed = new LongAdder();
    private final LongAdder unknownSource = new LongAdder();
    private final LongAdder unknownPayloadType = new LongAdder();
    private final LongAdder senderReports = new LongAdder();
    private final LongAdder receiverReports = new LongAdder();
    private final LongAdder keyframeRequests = new LongAdder();
    private final LongAdder transportFeedbacks = new LongAdder();
    private final LongAdder nacksSent = new LongAdder();
    private final LongAdder retransmissionsReceived = new LongAdder();
    private final LongAdder redundantRetransmissions = new LongAdder();
    private final LongAdder hopelessLoss = new LongAdder();

    public Publisher(String peerId, PacketTransport transport, MediaPlane.CandidateSink signaling,
                     PublishedTracks tracks, Room room) {
        super(peerId, transport, signaling);
        this.tracks = tracks;
        this.room = room;
        this.localSsrc = 1 + ThreadLocalRandom.current().nextLong(0xFFFF_FFFEL);
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new ReportBlock();
        }
        java.util.Arrays.fill(aptByRtxPt, -1);
        int mid = 0;
        int rid = 0;
        int repairedRid = 0;
        int transportCcId = 0;
        for (PublishedTrack track : tracks.all()) {
            for (NegotiatedCodec codec : track.codecs()) {
                codecByPt[codec.payloadType()] = codec;
                if (codec.hasRtx()) {
                    trackByRtxPt[codec.rtxPayloadType()] = track;
                    aptByRtxPt[codec.rtxPayloadType()] = codec.payloadType();
                }
            }
            // BUNDLE gives an extension URI one id across all sections (RFC 8843 section 9.2)
            mid = track.headerExtensionId(HeaderExtensions.MID).orElse(mid);
            rid = track.headerExtensionId(HeaderExtensions.RTP_STREAM_ID).orElse(rid);
            repairedRid = track.headerExtensionId(HeaderExtensions.REPAIRED_RTP_STREAM_ID).orElse(repairedRid);
            transportCcId = track.headerExtensionId(HeaderExtensions.TRANSPORT_WIDE_CC).orElse(transportCcId);
            List<StreamSsrcs> signalled = track.ssrcs();
            for (int layer = 0; layer < signalled.size() && sourceCount < MAX_SOURCES - 1; layer++) {
                Source media = register(new Source(signalled.get(layer).media(), track, false, layer));
                media.forwarded = layer == 0 || track.isSimulcast();
                if (signalled.get(layer).hasRtx()) {
                    register(new Source(signalled.get(layer).rtx(), track, true, layer));
                }
            }
        }
        this.midExtensionId = mid;
        this.ridExtensionId = rid;
        this.repairedRidExtensionId = repairedRid;
        this.transportCcExtensionId = transportCcId;
        List<String> videoFeedback = tracks.videoTrack().map(t -> t.primaryCodec().feedback()).orElse(List.of());
        this.useFir = !videoFeedback.contains("nack pli") && videoFeedback.contains("ccm fir");
        this.useRemb = transportCcId == 0 && videoFeedback.contains("goog-remb");
        for (int i = 0; i < sourceCount; i++) {
            if (sources[i].forwarded && !sources[i].rtx && sources[i].track.kind() == MediaKind.VIDEO) {
                forwardedVideo = sources[i];
            }
        }
    }

    public PublishedTracks tracks() {
        return tracks;
    }

    @Override
    public void onTransportReady() {
        // nothing to ask for: the publisher's first frame is a keyframe
    }

    // ---- receive path ----

    @Override
    public void onRtp(byte[] buf, int off, int len) {
        if (!packet.reset(buf, off, len)) {
            malformed.increment();
            return;
        }
        RtpHeaderReader header = packet.header();
        long nowNanos = System.nanoTime();
        if (transportCcExtensionId > 0) {
            recordTransportCc(header, nowNanos);
        }
        Source source = find(header.ssrc());
        if (source == null) {
            source = learn(header);
            if (source == null) {
                unknownSource.increment();
                return;
            }
        }
        long nowMillis = System.currentTimeMillis();
        source.stats.onPacket(header.sequenceNumber(), header.timestamp(), nowNanos / 1000);
        source.packets++;
        source.octets += header.payloadLength();
        source.rate.onPacket(len, nowMillis);
        if (nowNanos - lastReportNanos >= REPORT_INTERVAL_NANOS) {
            lastReportNanos = nowNanos;
            sendReceiverReport(nowNanos);
        }
        boolean repair = source.rtx;
        if (repair) {
            source = unwrapRetransmission(source, buf, off, len);
            if (source == null) {
                return; // padding-only probe or unpairable: nothing to forward
            }
            header = packet.header();
        }
        if (source.loss != null) {
            int seq = header.sequenceNumber();
            if (!repair) {
                source.loss.onPacket(seq, nowMillis);
            } else if (!source.loss.onRepair(seq)) {
                // a repair we did not (or no longer) need: libwebrtc also probes bandwidth with RTX copies of
                // recent packets; viewers already have those
                redundantRetransmissions.increment();
                return;
            }
            if (nowMillis - lastNackCheckMillis >= NACK_CHECK_MILLIS) {
                lastNackCheckMillis = nowMillis;
                requestMissing(nowMillis);
            }
        } else if (repair) {
            redundantRetransmissions.increment(); // we never asked: no NACK negotiated for this source
            return;
        }
        if (source.cache != null) {
            source.cache.put(header.sequenceNumber(), header.buffer(), header.offset(), header.length(), nowMillis);
        }
        if (!source.forwarded) {
            return;
        }
        NegotiatedCodec codec = codecByPt[header.payloadType()];
        if (codec == null || codec.kind() != source.track.kind()) {
            unknownPayloadType.increment();
            return;
        }
        if (source.track.isSimulcast() && source.track.kind() == MediaKind.VIDEO) {
            boolean keyframe = Keyframes.isKeyframeStart(codec.codec(), header.buffer(), header.payloadOffset(),
                    header.payloadLength());
            packet.describe(source.track.kind(), codec, nowMillis, source.layer, keyframe);
        } else {
            packet.describe(source.track.kind(), codec, nowMillis);
        }
        room.forward(packet);
    }

    /**
     * Turns an RTX packet (RFC 4588 section 4: the original sequence number in the first two payload octets, then
     * the original payload) back into the original packet, in place: the header moves two octets up over the OSN
     * and takes the original sequence number, the repaired source's SSRC and the apt payload type (section 8.6).
     *
     * @return the repaired source with {@link #packet} reset onto the original, or null (padding-only probe,
     *         unknown pairing)
     */
    private Source unwrapRetransmission(Source rtx, byte[] buf, int off, int len) {
        RtpHeaderReader header = packet.header();
        int apt = aptByRtxPt[header.payloadType()];
        if (apt < 0 || header.payloadLength() < 2) {
            return null; // bandwidth probes are RTX padding with no payload (RFC 4588 section 4 allows empty)
        }
        Source media = rtx.repairs;
        if (media == null) {
            media = rtx.repairs = pairedMedia(rtx);
            if (media == null) {
                return null;
            }
        }
        int headerLength = header.headerLength();
        int osn = BigEndian.u16(buf, header.payloadOffset());
        System.arraycopy(buf, off, buf, off + 2, headerLength);
        int at = off + 2;
        RtpHeaderWriter.setSequenceNumber(buf, at, osn);
        RtpHeaderWriter.setSsrc(buf, at, media.ssrc);
        RtpHeaderWriter.setPayloadType(buf, at, apt);
        if (!packet.reset(buf, at, len - 2)) {
            malformed.increment();
            return null;
        }
        retransmissionsReceived.increment();
        return media;
    }

    private Source pairedMedia(Source rtx) {
        int n = sourceCount;
        for (int i = 0; i < n; i++) {
            Source s = sources[i];
            if (!s.rtx && s.track == rtx.track && s.layer == rtx.layer) {
                return s;
            }
        }
        return null;
    }

    /**
     * RFC 4585 section 6.2.1: a generic NACK for what each video source is missing (see {@link LossTracker} for
     * the retry policy); a source whose losses are beyond repair gets a keyframe request instead (section 6.3.1).
     */
    private void requestMissing(long nowMillis) {
        int n = sourceCount;
        for (int i = 0; i < n; i++) {
            Source s = sources[i];
            if (s.loss == null) {
                continue;
            }
            if (s.loss.takeHopeless()) {
                hopelessLoss.increment();
                if (s.forwarded) {
                    room.requestKeyframe();
                }
            }
            if (s.loss.missing() == 0) {
                continue;
            }
            int count = s.loss.collect(nowMillis, 0, nackList);
            if (count == 0 || !transport().isReady()) {
                continue;
            }
            synchronized (rtcpLock) {
                int len = ReceiverReport.write(rtcpOut, 0, localSsrc, blocks, 0);
                int fb = len < 0 ? -1 : GenericNack.write(rtcpOut, len, localSsrc, s.ssrc, nackList, 0, count);
                if (fb > 0 && transport().sendRtcp(rtcpOut, 0, len + fb)) {
                    nacksSent.increment();
                    io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.NACKS_SENT, 1);
                }
            }
        }
    }

    /**
     * Copies the cached packet {@code seq} of video source {@code ssrc} (as the publisher sent it, decrypted) into
     * {@code dst}, for a viewer's retransmission.
     *
     * @return its length, or a negative {@link PacketCache} status
     */
    public int cachedPacket(long ssrc, int seq, byte[] dst, int dstOff, long nowMillis) {
        Source s = find(ssrc);
        if (s == null || s.cache == null) {
            return PacketCache.MISSING;
        }
        return s.cache.take(seq, dst, dstOff, nowMillis);
    }

    @Override
    public void onRtcp(byte[] buf, int off, int len) {
        if (!rtcpIn.reset(buf, off, len)) {
            return;
        }
        while (rtcpIn.next()) {
            if (rtcpIn.packetType() == RtcpPacketType.SENDER_REPORT
                    && senderReport.reset(buf, rtcpIn.packetOffset(), rtcpIn.packetLength())) {
                Source source = find(senderReport.senderSsrc());
                if (source == null) {
                    continue;
                }
                senderReports.increment();
                long ntp = senderReport.ntpTimestamp();
                long rtp = senderReport.rtpTimestamp();
                source.stats.onSenderReport(ntp, System.nanoTime());
                source.lastSenderReportNtp = ntp;
                source.lastSenderReportRtp = rtp;
                if (source.forwarded && !source.rtx) {
                    room.senderReport(source.track.kind(), source.ssrc, ntp, rtp);
                }
            }
            if (rtcpIn.packetType() == RtcpPacketType.EXTENDED_REPORT
                    && extendedReport.reset(buf, rtcpIn.packetOffset(), rtcpIn.packetLength())
                    && extendedReport.findDlrr(localSsrc)) {
                long arrival = System.nanoTime();
                synchronized (rtcpLock) {
                    long rtt = referenceTimes.roundTripMicros(extendedReport.lastReceiverReport(),
                            extendedReport.delaySinceLastReceiverReport(), arrival);
                    if (rtt >= 0) {
                        rttMicros = rtt;
                    }
                }
            }
            // RR/SDES/BYE/other feedback from a sendonly publisher carry nothing we act on yet
        }
    }

    /**
     * Every packet with the transport-wide sequence number counts, whatever its SSRC (padding probes on RTX
     * included): the publisher's congestion controller needs them all (draft-holmer-...-01 section 3).
     */
    private void recordTransportCc(RtpHeaderReader header, long nowNanos) {
        int at = header.findExtension(transportCcExtensionId);
        if (at >= 0 && header.extensionLength(at) == 2) {
            transportCc.onPacket(((header.buffer()[at] & 0xFF) << 8) | (header.buffer()[at + 1] & 0xFF),
                    (nowNanos - startNanos) / 1000);
            transportCcMediaSsrc = header.ssrc();
        }
        if (nowNanos - lastTransportFeedbackNanos >= TRANSPORT_FEEDBACK_INTERVAL_NANOS && transportCc.hasPending()) {
            lastTransportFeedbackNanos = nowNanos;
            sendTransportFeedback();
        }
    }

    private void sendTransportFeedback() {
        synchronized (rtcpLock) {
            for (int i = 0; i < 4 && transportCc.hasPending(); i++) {
                int len = ReceiverReport.write(rtcpOut, 0, localSsrc, blocks, 0);
                int fb = transportCc.writeFeedback(rtcpOut, len, rtcpOut.length - len - 64, localSsrc,
                        transportCcMediaSsrc);
                if (len < 0 || fb <= 0) {
                    return;
                }
                if (transport().sendRtcp(rtcpOut, 0, len + fb)) {
                    transportFeedbacks.increment();
                }
            }
        }
    }

    private Source find(long ssrc) {
        Source[] all = sources;
        int n = sourceCount;
        for (int i = 0; i < n; i++) {
            if (all[i].ssrc == ssrc) {
                return all[i];
            }
        }
        return null;
    }

    /**
     * An SSRC the SDP did not announce: place it by its mid and rid header extensions (RFC 8843 section 15,
     * RFC 8852), or by its payload type. Happens once per new source, so it may allocate.
     */
    private synchronized Source learn(RtpHeaderReader header) {
        Source known = find(header.ssrc());
        if (known != null) {
            return known;
        }
        if (sourceCount >= MAX_SOURCES) {
            return null;
        }
        int pt = header.payloadType();
        PublishedTrack track = null;
        String mid = extensionText(header, midExtensionId);
        if (mid != null) {
            for (PublishedTrack t : tracks.all()) {
                if (t.mid().equals(mid)) {
                    track = t;
                }
            }
        }
        boolean rtx = trackByRtxPt[pt] != null;
        if (track == null) {
            NegotiatedCodec codec = codecByPt[pt];
            track = codec != null ? tracks.track(codec.kind()).orElse(null) : trackByRtxPt[pt];
        }
        if (track == null) {
            return null;
        }
        int layer = 0;
        if (!track.rids().isEmpty()) {
            String rid = extensionText(header, rtx ? repairedRidExtensionId : ridExtensionId);
            if (rid == null && !rtx) {
                rid = extensionText(header, repairedRidExtensionId);
                rtx = rid != null;
            }
            layer = rid == null ? -1 : track.rids().indexOf(rid);
            if (layer < 0) {
                return null; // a layer we cannot place (yet): the sender repeats the rid in its first packets
            }
        }
        Source source = new Source(header.ssrc(), track, rtx, layer);
        if (!rtx && track.isSimulcast()) {
            source.forwarded = true; // every layer goes to the room; viewers pick
            if (layer == 0 && track.kind() == MediaKind.VIDEO) {
                forwardedVideo = source;
            }
        } else if (!rtx && layer == 0) {
            // the newest stream of a non-simulcast track replaces the old one (an encoder restart, a new SSRC)
            for (int i = 0; i < sourceCount; i++) {
                if (sources[i].track == track && !sources[i].rtx) {
                    sources[i].forwarded = false;
                }
            }
            source.forwarded = true;
            if (track.kind() == MediaKind.VIDEO) {
                forwardedVideo = source;
            }
        }
        return register(source);
    }

    private Source register(Source source) {
        sources[sourceCount] = source;
        sourceCount = sourceCount + 1; // volatile write publishes the slot
        return source;
    }

    private static String extensionText(RtpHeaderReader header, int id) {
        if (id <= 0) {
            return null;
        }
        int at = header.findExtension(id);
        if (at < 0) {
            return null;
        }
        int len = header.extensionLength(at);
        return len <= 0 ? null : new String(header.buffer(), at, len, StandardCharsets.US_ASCII);
    }

    // ---- RTCP toward the publisher ----

    /** RFC 3550 section 6.4.2: one report block per source heard from, then SDES CNAME (section 6.1). */
    void sendReceiverReport(long nowNanos) {
        synchronized (rtcpLock) {
            int count = 0;
            int n = sourceCount;
            long interval = nowNanos - lastRateNanos;
            lastRateNanos = nowNanos;
            for (int i = 0; i < n && count < blocks.length; i++) {
                Source s = sources[i];
                if (interval > 0) {
                    s.bitrate = (s.octets - s.octetsAtLastRate) * 8 * 1_000_000_000L / interval;
                    s.octetsAtLastRate = s.octets;
                }
                if (s.stats.report(s.ssrc, nowNanos, blocks[count])) {
                    s.fractionLost = blocks[count].fractionLost();
                    count++;
                }
            }
            int len = ReceiverReport.write(rtcpOut, 0, localSsrc, blocks, count);
            if (len < 0) {
                return;
            }
            int sdes = SourceDescription.writeCname(rtcpOut, len, localSsrc, CNAME, 0, CNAME.length);
            if (sdes > 0) {
                len += sdes;
            }
            // RFC 3611 section 4.4: our NTP time, which the publisher echoes in a DLRR block: the only round trip
            // a receiver that sends no media (so no SR, no LSR to echo) can measure
            long ntp = NtpTime.fromUnixMillis(System.currentTimeMillis());
            int rrtr = ExtendedReport.writeReceiverReferenceTime(rtcpOut, len, localSsrc, ntp);
            if (rrtr > 0) {
                len += rrtr;
                referenceTimes.sent(ntp, nowNanos);
            }
            long remb = rembBitrate;
            if (useRemb && remb > 0) {
                // REMB (draft-alvestrand-rmcat-remb-03 section 2): without transport-cc this is what lets the
                // sender go up to the configured bitrate; we do no receive-side estimation of our own
                int ssrcs = 0;
                for (int i = 0; i < n; i++) {
                    if (!sources[i].rtx && sources[i].track.kind() == MediaKind.VIDEO) {
                        rembSsrcs[ssrcs++] = sources[i].ssrc;
                    }
                }
                int r = ReceiverEstimatedMaxBitrate.write(rtcpOut, len, localSsrc, remb, rembSsrcs, ssrcs);
                if (r > 0) {
                    len += r;
                    rembsSent.increment();
                }
            }
            if (transport().sendRtcp(rtcpOut, 0, len)) {
                receiverReports.increment();
            }
        }
    }

    /**
     * The bitrate to announce in REMB to a publisher that negotiated goog-remb but not transport-cc (the
     * configured publisher maximum); 0 sends none.
     */
    public void setRembBitrate(long bitsPerSecond) {
        this.rembBitrate = Math.max(0, bitsPerSecond);
    }

    /**
     * The bitrate (bit/s, over the last second) of the video simulcast layer {@code layer}; 0 when it is not
     * being sent, -1 when it was heard from but not measured yet.
     */
    public long videoLayerBitrate(int layer) {
        int n = sourceCount;
        long bps = 0;
        for (int i = 0; i < n; i++) {
            Source s = sources[i];
            if (!s.rtx && s.forwarded && s.layer == layer && s.track.kind() == MediaKind.VIDEO) {
                bps = s.bitrate < 0 && bps == 0 ? -1 : Math.max(bps, s.bitrate);
            }
        }
        return bps;
    }

    /**
     * Asks the publisher for a keyframe of the forwarded video source (of every layer for simulcast: viewers
     * switch layers on them); the room throttles the calls.
     */
    void sendKeyframeRequest() {
        Source video = forwardedVideo;
        if (video == null || !transport().isReady()) {
            return;
        }
        synchronized (rtcpLock) {
            // a compound RTCP packet starts with a report (RFC 3550 section 6.1); an empty RR is the smallest
            int len = ReceiverReport.write(rtcpOut, 0, localSsrc, blocks, 0);
            if (len < 0) {
                return;
            }
            int n = sourceCount;
            for (int i = 0; i < n; i++) {
                Source s = sources[i];
                if (s != video && !(s.forwarded && !s.rtx && s.track == video.track)) {
                    continue;
                }
                int fb = useFir
                        ? FullIntraRequest.write(rtcpOut, len, localSsrc, s.ssrc, firSequence++ & 0xFF)
                        : PictureLossIndication.write(rtcpOut, len, localSsrc, s.ssrc);
                if (fb < 0) {
                    break;
                }
                len += fb;
            }
            if (transport().sendRtcp(rtcpOut, 0, len)) {
                keyframeRequests.increment();
                io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.KEYFRAME_REQUESTS_SENT, 1);
            }
        }
    }

    /** The stats of all sources together; see {@link PublisherStats}. Reads without locking the packet path. */
    public PublisherStats stats() {
        long now = System.currentTimeMillis();
        long bps = 0;
        double pps = 0;
        long lost = 0;
        int worstFraction = 0;
        double worstJitter = 0;
        int n = sourceCount;
        for (int i = 0; i < n; i++) {
            Source s = sources[i];
            bps += s.rate.bitsPerSecond(now);
            pps += s.rate.packetsPerSecond(now);
            if (!s.rtx) {
                // an RTX stream's own "loss" is the gaps between the repairs we asked for: not loss
                lost += Math.max(0, s.stats.cumulativeLost());
                worstFraction = Math.max(worstFraction, s.fractionLost);
                worstJitter = Math.max(worstJitter, jitterMillis(s));
            }
        }
        return new PublisherStats(peerId(), bps, round2(pps), lost, round2(worstFraction * 100.0 / 256),
                round2(worstJitter), rttMicros < 0 ? null : round2(rttMicros / 1000.0), nacksSent.sum(), retransmissionsReceived.sum(), keyframeRequests.sum());
    }

    /** Interarrival jitter in milliseconds: RFC 3550 keeps it in timestamp units of the source's clock. */
    private static double jitterMillis(Source s) {
        return s.stats.jitter() * 1000.0 / s.stats.clockRate();
    }

    static double round2(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    public Map<String, Object> debugState() {
        long now = System.currentTimeMillis();
        PublisherStats totals = stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peerId", peerId());
        m.put("tracks", describeTracks());
        m.put("bitrateBps", totals.bitrateBps());
        m.put("packetsPerSecond", totals.packetsPerSecond());
        m.put("packetsLost", totals.packetsLost());
        m.put("lossPercent", totals.lossPercent());
        m.put("jitterMs", totals.jitterMs());
        m.put("rttMs", totals.rttMs());
        List<Map<String, Object>> list = new ArrayList<>();
        int n = sourceCount;
        for (int i = 0; i < n; i++) {
            Source s = sources[i];
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("ssrc", s.ssrc);
            d.put("kind", s.track.kind().media());
            d.put("rtx", s.rtx);
            d.put("layer", s.layer);
            d.put("forwarded", s.forwarded);
            d.put("packets", s.packets);
            d.put("octets", s.octets);
            d.put("bitrateBps", s.rate.bitsPerSecond(now));
            d.put("packetsPerSecond", round2(s.rate.packetsPerSecond(now)));
            d.put("layerPayloadBitrateBps", s.bitrate);
            d.put("lost", s.stats.cumulativeLost());
            d.put("lossPercent", round2(s.fractionLost * 100.0 / 256));
            d.put("jitterMs", round2(jitterMillis(s)));
            if (s.loss != null) {
                d.put("nackedPackets", s.loss.requested());
                d.put("recoveredPackets", s.loss.recovered());
                d.put("givenUpPackets", s.loss.givenUp());
                d.put("missingNow", s.loss.missing());
            }
            d.put("lastSenderReport", s.lastSenderReportRtp < 0 ? null
                    : "ntp " + NtpTime.toUnixMillis(s.lastSenderReportNtp) + " ms, rtp " + s.lastSenderReportRtp);
            list.add(d);
        }
        m.put("sources", list);
        m.put("keyframeRequest", useFir ? "FIR" : "PLI");
        m.put("malformed", malformed.sum());
        m.put("unknownSource", unknownSource.sum());
        m.put("unknownPayloadType", unknownPayloadType.sum());
        m.put("senderReports", senderReports.sum());
        m.put("receiverReportsSent", receiverReports.sum());
        m.put("keyframeRequestsSent", keyframeRequests.sum());
        m.put("transportCc", transportCcExtensionId > 0);
        m.put("transportFeedbacksSent", transportFeedbacks.sum());
        m.put("remb", useRemb ? rembBitrate : null);
        m.put("rembsSent", rembsSent.sum());
        m.put("nacksSent", nacksSent.sum());
        m.put("retransmissionsReceived", retransmissionsReceived.sum());
        m.put("redundantRetransmissions", redundantRetransmissions.sum());
        m.put("hopelessLosses", hopelessLoss.sum());
        m.put("transport", transport().debugState());
        return m;
    }

    private List<String> describeTracks() {
        List<String> out = new ArrayList<>();
        for (PublishedTrack t : tracks.all()) {
            out.add(t.kind().media() + " mid " + t.mid() + " " + t.primaryCodec().encodingName() + "/"
                    + t.primaryCodec().payloadType() + (t.isSimulcast() ? " simulcast" : ""));
        }
        return out;
    }
}
