package io.relaycast.sfu.room;

import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.ViewerStats;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.ViewerSsrcs;
import io.relaycast.sfu.media.ViewerTrack;
import io.relaycast.sfu.rtcp.FullIntraRequest;
import io.relaycast.sfu.rtcp.GenericNack;
import io.relaycast.sfu.rtcp.PictureLossIndication;
import io.relaycast.sfu.rtcp.ReceiverEstimatedMaxBitrate;
import io.relaycast.sfu.rtcp.ReceiverReport;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.RtcpCompoundIterator;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.rtp.RtpExtensionIterator;
import io.relaycast.sfu.rtp.RtpHeaderReader;
import io.relaycast.sfu.rtp.RtpHeaderWriter;
import io.relaycast.sfu.sdp.SessionDescription;
import io.relaycast.sfu.transport.PacketTransport;
import io.relaycast.sfu.transport.WebRtcTransport;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One viewer: a {@link PacketSink} that rewrites the publisher's packets into the viewer's own consumer streams
 * ({@link RtpStreamSend}, one per kind) and sends them over the viewer's transport, with its {@link Retransmitter}
 * (the viewer's NACKs) and its {@link SimulcastController} (which layer it gets) beside them.
 *
 * <p>Per packet (on a forwarding worker, under this viewer's own monitor, which only the packet path and this
 * viewer's RTCP take): copy into this viewer's reusable buffer, rewrite SSRC, sequence number and timestamp, payload
 * type and header extension ids ({@link TrackMapping}), then SRTP-protect in place and send. Other viewers never
 * see this viewer's state, so a slow or failed viewer costs the others nothing but its own loop iteration.
 *
 * <p>Sender reports: each publisher SR is re-issued by the consumer stream of its kind (RFC 3550 section 6.4.1),
 * so the viewer can line audio up with video as the publisher captured them. The viewer's PLI and FIR (RFC 4585
 * section 6.3.1, RFC 5104 section 4.3.1) become a throttled keyframe request to the publisher, through the room.
 * A viewer never touches the publisher: its cache and layer rates are the room's to give.
 */
public final class Subscriber extends Peer implements PacketSink, WebRtcTransport.MediaHandler {

    /** Room after the packet for the SRTP tag (16 octets for both profiles we negotiate) and then some. */
    static final int SEND_RESERVE = 64;
    static final int SEND_BUFFER = 1500 + SEND_RESERVE;
    private static final SecureRandom RANDOM = new SecureRandom();
    static final long RESEND_GUARD_MILLIS = Retransmitter.GUARD_MILLIS;

    private final Room room;
    private final ViewerSsrcs ssrcs;
    private final SessionDescription offer;
    private final PublishedTracks offeredTracks;
    private final byte[] cname;

    private volatile ViewerTrack audioTrack;
    private volatile ViewerTrack videoTrack;
    private volatile TrackMapping audioMapping;
    private volatile TrackMapping videoMapping;
    private volatile boolean ready;

    /** Guarded by this. */
    private final RtpStreamSend audio;
    private final RtpStreamSend video;
    private final SimulcastController simulcast;
    private final Retransmitter retransmitter;
    private final byte[] sendBuffer = new byte[SEND_BUFFER];
    private final byte[] rtcpBuffer = new byte[256];
    private final RtpHeaderReader reader = new RtpHeaderReader();
    private final RtpExtensionIterator scratch = new RtpExtensionIterator();

    /** Receive thread of this viewer's transport only. */
    private final RtcpCompoundIterator rtcpIn = new RtcpCompoundIterator();
    private final PictureLossIndication pli = new PictureLossIndication();
    private final FullIntraRequest fir = new FullIntraRequest();
    private final GenericNack nack = new GenericNack();
    private final ReceiverEstimatedMaxBitrate remb = new ReceiverEstimatedMaxBitrate();
    private final ReceiverReport receiverReport = new ReceiverReport();
    private final ReportBlock reportBlock = new ReportBlock();

    private final LongAdder droppedPayloadType = new LongAdder();
    private final LongAdder droppedOld = new LongAdder();
    private final LongAdder droppedTooBig = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final LongAdder keyframeRequests = new LongAdder();
    private final LongAdder senderReportsSent = new LongAdder();
    private final LongAdder receiverReports = new LongAdder();
    private volatile long readyAtMillis;
    private volatile long firstVideoAtMillis;

    /**
     * @param offer our offer to the viewer (Socket.IO path), which its answer is checked against; null when the
     *              viewer brought its own offer (WHEP)
     * @param offeredTracks the publisher's tracks the offer or answer was built from
     */
    public Subscriber(String peerId, PacketTransport transport, MediaPlane.CandidateSink signaling, Room room,
                      ViewerSsrcs ssrcs, SessionDescription offer, PublishedTracks offeredTracks) {
        super(peerId, transport, signaling);
        this.room = room;
        this.ssrcs = ssrcs;
        this.offer = offer;
        this.offeredTracks = offeredTracks;
        this.cname = ssrcs.cname().getBytes(StandardCharsets.US_ASCII);
        this.audio = new RtpStreamSend(ssrcs.audioSsrc(), 48_000, RANDOM);
        this.video = new RtpStreamSend(ssrcs.videoSsrc(), 90_000, RANDOM);
        this.simulcast = new SimulcastController(room);
        this.retransmitter = new Retransmitter(room, transport, video, ssrcs.videoRtxSsrc(), simulcast,
                SEND_BUFFER, SEND_BUFFER - SEND_RESERVE, RANDOM);
    }

    public ViewerSsrcs ssrcs() {
        return ssrcs;
    }

    /** Our offer to this viewer, or null for a viewer that offered (WHEP). */
    public SessionDescription offer() {
        return offer;
    }

    /** The publisher's tracks our offer or answer to this viewer described (payload types, extension ids). */
    public PublishedTracks offeredTracks() {
        return offeredTracks;
    }

    /** What the viewer agreed to receive, in its numbering; mapped onto the current publisher's tracks. */
    public void negotiated(ViewerTrack audio, ViewerTrack video, PublishedTracks current) {
        this.audioTrack = audio;
        this.videoTrack = video;
        onPublisher(current);
    }

    /** A (new) publisher: renumber its payload types and extension ids for this viewer. */
    @Override
    public void onPublisher(PublishedTracks tracks) {
        ViewerTrack a = audioTrack;
        ViewerTrack v = videoTrack;
        audioMapping = a == null || tracks.audio() == null ? null : TrackMapping.between(tracks.audio(), a);
        TrackMapping vm = v == null || tracks.video() == null ? null : TrackMapping.between(tracks.video(), v);
        retransmitter.onMapping(vm, SEND_BUFFER);
        videoMapping = vm;
    }

    @Override
    public void onTransportReady() {
        readyAtMillis = System.currentTimeMillis();
        ready = true;
        // a viewer that joins mid-stream can decode nothing before the next keyframe: ask for one now
        room.requestKeyframe();
    }

    public boolean isReady() {
        return ready && transport().isReady();
    }

    // ---- the packet path: a forwarding worker ----

    @Override
    public boolean wants(MediaPacket packet) {
        return ready && (packet.kind() == MediaKind.AUDIO ? audioMapping : videoMapping) != null;
    }

    @Override
    public void send(MediaPacket packet) {
        TrackMapping mapping = packet.kind() == MediaKind.AUDIO ? audioMapping : videoMapping;
        if (mapping == null) {
            return;
        }
        int pt = mapping.payloadType(packet.header().payloadType());
        if (pt == TrackMapping.DROP) {
            droppedPayloadType.increment();
            return;
        }
        int len = packet.length();
        if (len > SEND_BUFFER - SEND_RESERVE) {
            droppedTooBig.increment();
            return;
        }
        synchronized (this) {
            if (packet.layer() >= 0 && !simulcast.take(packet)) {
                return;
            }
            RtpStreamSend out = packet.kind() == MediaKind.AUDIO ? audio : video;
            System.arraycopy(packet.buffer(), packet.offset(), sendBuffer, 0, len);
            if (!reader.reset(sendBuffer, 0, len) || !out.rewrite(reader, packet.receivedAtMillis())) {
                droppedOld.increment(); // older than the current mapping (RFC 3550 A.1 reordering across a switch)
                return;
            }
            RtpHeaderWriter.setPayloadType(sendBuffer, 0, pt);
            if (reader.hasExtension()) {
                // RFC 8285: renumber to the viewer's ids, erase what it did not negotiate (becomes padding)
                RtpHeaderWriter.remapExtensionIds(reader, mapping.extensionIdTable(), scratch);
            }
            int payload = reader.payloadLength();
            simulcast.rewritePayload(packet, sendBuffer, reader.payloadOffset(), payload);
            PacketCache plain = packet.kind() == MediaKind.VIDEO ? retransmitter.plainCache() : null;
            boolean sent;
            if (plain != null) {
                int seq = reader.sequenceNumber();
                int protectedLength = transport().sendRtpKeepProtected(sendBuffer, 0, len);
                sent = protectedLength > 0;
                if (sent) {
                    plain.put(seq, sendBuffer, 0, protectedLength, packet.receivedAtMillis());
                }
            } else {
                sent = transport().sendRtp(sendBuffer, 0, len);
            }
            if (sent) {
                out.onSent(len, payload, packet.receivedAtMillis());
                io.relaycast.sfu.api.SfuMetrics.sent(packet.kind() == MediaKind.VIDEO, len);
                if (firstVideoAtMillis == 0 && packet.kind() == MediaKind.VIDEO) {
                    firstVideoAtMillis = System.currentTimeMillis();
                }
            } else {
                sendFailures.increment();
            }
        }
    }

    /** The viewer's choice of quality ({@code stream:quality}); AUTO follows its bandwidth. */
    public void setQuality(LayerSelector.Quality quality) {
        synchronized (this) {
            simulcast.setQuality(quality);
        }
    }

    @Override
    public void onSenderReport(MediaKind kind, long sourceSsrc, long ntpTimestamp, long rtpTimestamp) {
        if (!ready) {
            return;
        }
        synchronized (this) {
            RtpStreamSend out = kind == MediaKind.AUDIO ? audio : video;
            int len = out.writeSenderReport(rtcpBuffer, sourceSsrc, ntpTimestamp, rtpTimestamp, cname);
            if (len > 0 && transport().sendRtcp(rtcpBuffer, 0, len)) {
                senderReportsSent.increment();
                out.reports.sent(ntpTimestamp, System.nanoTime());
            }
        }
    }

    // ---- from the viewer: its receive thread ----

    @Override
    public void onRtp(byte[] buf, int off, int len) {
        // a recvonly viewer sends no media
    }

    @Override
    public void onRtcp(byte[] buf, int off, int len) {
        if (!rtcpIn.reset(buf, off, len)) {
            return;
        }
        while (rtcpIn.next()) {
            int type = rtcpIn.packetType();
            int at = rtcpIn.packetOffset();
            int length = rtcpIn.packetLength();
            if (type == RtcpPacketType.PAYLOAD_FEEDBACK
                    && (pli.reset(buf, at, length) || fir.reset(buf, at, length))) {
                keyframeRequests.increment();
                io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.KEYFRAME_REQUESTS_RECEIVED, 1);
                room.requestKeyframe();
            } else if (type == RtcpPacketType.PAYLOAD_FEEDBACK && remb.reset(buf, at, length)) {
                // the viewer's receive-side estimate (draft-alvestrand-rmcat-remb-03): a decrease signal only,
                // and only once it persists (see ViewerBandwidthEstimate)
                long bps = remb.bitrate();
                synchronized (this) {
                    simulcast.onRemb(bps, System.currentTimeMillis());
                }
            } else if (type == RtcpPacketType.RECEIVER_REPORT && receiverReport.reset(buf, at, length)) {
                onReceiverReport(System.nanoTime());
            } else if (type == RtcpPacketType.TRANSPORT_FEEDBACK && nack.reset(buf, at, length)) {
                retransmitter.onNack(nack, videoMapping, ready, this);
            }
        }
    }

    /**
     * The viewer's receiver report (RFC 3550 section 6.4.2): its loss, jitter and, through LSR and DLSR, the round
     * trip of each stream we send it; the video block also drives the simulcast controller's bandwidth estimate.
     * Under the monitor: the sender report times and the layer selector are written by the packet path.
     */
    private void onReceiverReport(long arrivalNanos) {
        receiverReports.increment();
        long now = System.currentTimeMillis();
        synchronized (this) {
            for (int i = 0; i < receiverReport.reportCount(); i++) {
                receiverReport.readReportBlock(i, reportBlock);
                long ssrc = reportBlock.ssrc();
                if (ssrc != 0 && ssrc == audio.ssrc) {
                    audio.onReport(reportBlock, arrivalNanos);
                } else if (ssrc != 0 && ssrc == video.ssrc) {
                    video.onReport(reportBlock, arrivalNanos);
                    simulcast.onVideoReport(reportBlock.fractionLost(), video.octets, now);
                }
            }
        }
    }

    /**
     * This viewer's stats (see {@link ViewerStats}): volatile and adder reads only, never this viewer's monitor,
     * so a stats request cannot stall the packet path.
     */
    public ViewerStats stats() {
        long now = System.currentTimeMillis();
        long bps = audio.rate.bitsPerSecond(now) + video.rate.bitsPerSecond(now);
        double pps = audio.rate.packetsPerSecond(now) + video.rate.packetsPerSecond(now);
        Double loss = null;
        Double jitter = null;
        long lost = 0;
        Double rtt = null;
        long rttAt = Long.MIN_VALUE;
        for (RtpStreamSend out : new RtpStreamSend[] {audio, video}) {
            int fraction = out.fractionLost;
            if (fraction >= 0) {
                loss = Math.max(loss == null ? 0 : loss, Publisher.round2(fraction * 100.0 / 256));
                jitter = Math.max(jitter == null ? 0 : jitter, Publisher.round2(out.jitterMillis()));
                lost += Math.max(0, out.cumulativeLost);
            }
            long r = out.rttMicros;
            if (r >= 0 && out.rttAtMillis > rttAt) {
                rttAt = out.rttAtMillis;
                rtt = Publisher.round2(r / 1000.0);
            }
        }
        int layer = simulcast.currentLayer();
        return new ViewerStats(peerId(), isReady() && bps > 0, bps, Publisher.round2(pps), loss, lost, jitter, rtt,
                retransmitter.nacks(), retransmitter.retransmitted(), keyframeRequests.sum(), layer,
                layer < 0 ? -1 : simulcast.targetLayer());
    }

    public Map<String, Object> debugState() {
        ViewerStats totals = stats();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peerId", peerId());
        m.put("ready", isReady());
        m.put("via", offer == null ? "viewer offer (WHEP)" : "SFU offer");
        long ready = readyAtMillis;
        long first = firstVideoAtMillis;
        m.put("readyToFirstVideoMs", ready == 0 || first == 0 ? null : first - ready);
        m.put("bitrateBps", totals.bitrateBps());
        m.put("packetsPerSecond", totals.packetsPerSecond());
        m.put("lossPercent", totals.lossPercent());
        m.put("packetsLost", totals.packetsLost());
        m.put("jitterMs", totals.jitterMs());
        m.put("rttMs", totals.rttMs());
        long now = System.currentTimeMillis();
        m.put("audio", audio.debugState(audioMapping, now));
        m.put("video", video.debugState(videoMapping, now));
        m.put("droppedPayloadType", droppedPayloadType.sum());
        m.put("droppedOld", droppedOld.sum());
        m.put("droppedTooBig", droppedTooBig.sum());
        m.put("sendFailures", sendFailures.sum());
        m.put("senderReportsSent", senderReportsSent.sum());
        m.put("receiverReportsReceived", receiverReports.sum());
        m.put("keyframeRequestsReceived", keyframeRequests.sum());
        m.put("simulcast", simulcast.layerState(totals.layer(), totals.targetLayer()));
        m.put("estimatedBandwidth", simulcast.estimate());
        m.put("bandwidth", simulcast.bandwidthState());
        retransmitter.debugState(m);
        m.put("transport", transport().debugState());
        return m;
    }
}
