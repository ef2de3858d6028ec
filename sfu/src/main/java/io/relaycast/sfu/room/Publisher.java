package io.relaycast.sfu.room;

import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.PublisherStats;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.rtcp.ExtendedReport;
import io.relaycast.sfu.rtcp.RtcpCompoundIterator;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.rtcp.SenderReport;
import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.rtp.Keyframes;
import io.relaycast.sfu.rtp.RtpHeaderReader;
import io.relaycast.sfu.rtp.RtpHeaderWriter;
import io.relaycast.sfu.transport.PacketTransport;
import io.relaycast.sfu.transport.WebRtcTransport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The broadcaster's side of a room: receives its decrypted RTP and RTCP, finds each packet's producer stream
 * ({@link RecvStreams}: SSRC → {@link RtpStreamRecv}, which keeps the receive statistics, loss, packet cache and
 * rates), unwraps RTX repairs (RFC 4588), and hands the forwarded sources' packets to the room.
 *
 * <p>Feedback toward the publisher is in its own classes over one RTCP channel ({@link UpstreamRtcp}): receiver
 * reports with SDES and XR ({@link ReceiverReportSender}), REMB ({@link RembSender}), transport-cc
 * ({@link TransportCcSender}), NACK ({@link NackSender}) and PLI/FIR ({@link KeyframeRequester}).
 *
 * <p>Simulcast: every layer (by rid, or by position in the SIM group) is handed to the room, marked with its layer
 * and whether it starts a keyframe; each viewer's {@link SimulcastController} takes one. Viewers reach the packet
 * cache and the layer bitrates through the room ({@link Room#cachedPacket}, {@link Room#videoLayerBitrate}).
 *
 * <p>Threads: {@link #onRtp} and {@link #onRtcp} run on the receive thread; receiver reports go out from it too.
 * Keyframe requests come from viewers' threads and the room's timer; the RTCP send buffer is guarded by its own
 * lock, which no signaling code takes.
 */
public final class Publisher extends Peer implements WebRtcTransport.MediaHandler {

    static final int MAX_SOURCES = RecvStreams.MAX_SOURCES;
    static final long REPORT_INTERVAL_NANOS = ReceiverReportSender.INTERVAL_NANOS;
    static final long CACHE_MAX_AGE_MILLIS = RtpStreamRecv.CACHE_MAX_AGE_MILLIS;
    static final long NACK_CHECK_MILLIS = NackSender.CHECK_MILLIS;

    private final PublishedTracks tracks;
    private final Room room;
    private final RecvStreams streams;
    private final UpstreamRtcp rtcp;
    private final ReceiverReportSender reports;
    private final RembSender remb;
    private final TransportCcSender transportCc;
    private final NackSender nacks;
    private final KeyframeRequester keyframes;

    private final MediaPacket packet = new MediaPacket();
    private final RtcpCompoundIterator rtcpIn = new RtcpCompoundIterator();
    private final SenderReport senderReport = new SenderReport();
    private final ExtendedReport extendedReport = new ExtendedReport();

    private final LongAdder malformed = new LongAdder();
    private final LongAdder unknownSource = new LongAdder();
    private final LongAdder unknownPayloadType = new LongAdder();
    private final LongAdder senderReports = new LongAdder();
    private final LongAdder retransmissionsReceived = new LongAdder();
    private final LongAdder redundantRetransmissions = new LongAdder();

    public Publisher(String peerId, PacketTransport transport, MediaPlane.CandidateSink signaling,
                     PublishedTracks tracks, Room room) {
        super(peerId, transport, signaling);
        this.tracks = tracks;
        this.room = room;
        this.streams = new RecvStreams(tracks);
        this.rtcp = new UpstreamRtcp(transport);
        List<String> videoFeedback = tracks.videoTrack().map(t -> t.primaryCodec().feedback()).orElse(List.of());
        boolean useRemb = streams.transportCcExtensionId() == 0 && videoFeedback.contains("goog-remb");
        this.remb = new RembSender(rtcp, streams, useRemb);
        this.reports = new ReceiverReportSender(rtcp, streams, remb);
        this.transportCc = new TransportCcSender(rtcp, streams.transportCcExtensionId());
        this.nacks = new NackSender(rtcp, streams, room);
        this.keyframes = KeyframeRequester.forFeedback(rtcp, streams, videoFeedback);
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
        transportCc.onPacket(header, nowNanos);
        RtpStreamRecv source = streams.find(header.ssrc());
        if (source == null) {
            source = streams.learn(header);
            if (source == null) {
                unknownSource.increment();
                return;
            }
        }
        long nowMillis = System.currentTimeMillis();
        source.onPacket(header.sequenceNumber(), header.timestamp(), nowNanos, len, header.payloadLength(),
                nowMillis);
        reports.onPacket(nowNanos);
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
            nacks.onPacket(nowMillis);
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
        NegotiatedCodec codec = streams.codec(header.payloadType());
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
    private RtpStreamRecv unwrapRetransmission(RtpStreamRecv rtx, byte[] buf, int off, int len) {
        RtpHeaderReader header = packet.header();
        int apt = streams.apt(header.payloadType());
        if (apt < 0 || header.payloadLength() < 2) {
            return null; // bandwidth probes are RTX padding with no payload (RFC 4588 section 4 allows empty)
        }
        RtpStreamRecv media = rtx.repairs;
        if (media == null) {
            media = rtx.repairs = streams.pairedMedia(rtx);
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

    /**
     * Copies the cached packet {@code seq} of video source {@code ssrc} (as the publisher sent it, decrypted) into
     * {@code dst}, for a viewer's retransmission; viewers call {@link Room#cachedPacket}.
     *
     * @return its length, or a negative {@link PacketCache} status
     */
    int cachedPacket(long ssrc, int seq, byte[] dst, int dstOff, long nowMillis) {
        RtpStreamRecv s = streams.find(ssrc);
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
                RtpStreamRecv source = streams.find(senderReport.senderSsrc());
                if (source == null) {
                    continue;
                }
                senderReports.increment();
                long ntp = senderReport.ntpTimestamp();
                long rtp = senderReport.rtpTimestamp();
                source.onSenderReport(ntp, rtp, System.nanoTime());
                if (source.forwarded && !source.rtx) {
                    room.senderReport(source.track.kind(), source.ssrc, ntp, rtp);
                }
            }
            if (rtcpIn.packetType() == RtcpPacketType.EXTENDED_REPORT
                    && extendedReport.reset(buf, rtcpIn.packetOffset(), rtcpIn.packetLength())
                    && extendedReport.findDlrr(rtcp.localSsrc)) {
                reports.onDlrr(extendedReport, System.nanoTime());
            }
            // RR/SDES/BYE/other feedback from a sendonly publisher carry nothing we act on yet
        }
    }

    // ---- RTCP toward the publisher ----

    /** RFC 3550 section 6.4.2: see {@link ReceiverReportSender}. */
    void sendReceiverReport(long nowNanos) {
        reports.send(nowNanos);
    }

    /**
     * The bitrate to announce in REMB to a publisher that negotiated goog-remb but not transport-cc (the
     * configured publisher maximum); 0 sends none.
     */
    public void setRembBitrate(long bitsPerSecond) {
        remb.setBitrate(bitsPerSecond);
    }

    /**
     * The bitrate (bit/s, over the last second) of the video simulcast layer {@code layer}; 0 when it is not
     * being sent, -1 when it was heard from but not measured yet. Viewers ask the room.
     */
    long videoLayerBitrate(int layer) {
        return streams.videoLayerBitrate(layer);
    }

    /** Asks the publisher for a keyframe (see {@link KeyframeRequester}); the room throttles the calls. */
    void sendKeyframeRequest() {
        keyframes.send();
    }

    /** The stats of all sources together; see {@link PublisherStats}. Reads without locking the packet path. */
    public PublisherStats stats() {
        long now = System.currentTimeMillis();
        long bps = 0;
        double pps = 0;
        long lost = 0;
        int worstFraction = 0;
        double worstJitter = 0;
        int n = streams.count();
        for (int i = 0; i < n; i++) {
            RtpStreamRecv s = streams.get(i);
            bps += s.rate.bitsPerSecond(now);
            pps += s.rate.packetsPerSecond(now);
            if (!s.rtx) {
                // an RTX stream's own "loss" is the gaps between the repairs we asked for: not loss
                lost += Math.max(0, s.stats.cumulativeLost());
                worstFraction = Math.max(worstFraction, s.fractionLost);
                worstJitter = Math.max(worstJitter, s.jitterMillis());
            }
        }
        long rtt = reports.rttMicros();
        return new PublisherStats(peerId(), bps, round2(pps), lost, round2(worstFraction * 100.0 / 256),
                round2(worstJitter), rtt < 0 ? null : round2(rtt / 1000.0), nacks.sent(),
                retransmissionsReceived.sum(), keyframes.sent());
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
        int n = streams.count();
        for (int i = 0; i < n; i++) {
            list.add(streams.get(i).debugState(now));
        }
        m.put("sources", list);
        m.put("keyframeRequest", keyframes.kind());
        m.put("malformed", malformed.sum());
        m.put("unknownSource", unknownSource.sum());
        m.put("unknownPayloadType", unknownPayloadType.sum());
        m.put("senderReports", senderReports.sum());
        m.put("receiverReportsSent", reports.sent());
        m.put("keyframeRequestsSent", keyframes.sent());
        m.put("transportCc", transportCc.isNegotiated());
        m.put("transportFeedbacksSent", transportCc.sent());
        m.put("remb", remb.announced());
        m.put("rembsSent", remb.sent());
        m.put("nacksSent", nacks.sent());
        m.put("retransmissionsReceived", retransmissionsReceived.sum());
        m.put("redundantRetransmissions", redundantRetransmissions.sum());
        m.put("hopelessLosses", nacks.hopeless());
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
