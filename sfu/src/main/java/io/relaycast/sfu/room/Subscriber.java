package io.relaycast.sfu.room;

import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.ViewerStats;
import io.relaycast.sfu.rtcp.FullIntraRequest;
import io.relaycast.sfu.rtcp.GenericNack;
import io.relaycast.sfu.rtcp.PictureLossIndication;
import io.relaycast.sfu.rtcp.ReceiverEstimatedMaxBitrate;
import io.relaycast.sfu.rtcp.ReceiverReport;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.RtcpCompoundIterator;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.rtcp.SenderReport;
import io.relaycast.sfu.rtcp.SourceDescription;
import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.rtp.RtpExtensionIterator;
import io.relaycast.sfu.rtp.RtpHeaderReader;
import io.relaycast.sfu.rtp.RtpHeaderWriter;
import io.relaycast.sfu.rtp.RtpStreamRewriter;
import io.relaycast.sfu.rtp.SequenceNumberRewriter;
import io.relaycast.sfu.rtp.Vp8DescriptorRewriter;
import io.relaycast.sfu.sdp.ForwardedCodec;
import io.relaycast.sfu.sdp.MediaKind;
import io.relaycast.sfu.sdp.PublishedTracks;
import io.relaycast.sfu.sdp.SessionDescription;
import io.relaycast.sfu.sdp.ViewerSsrcs;
import io.relaycast.sfu.sdp.ViewerTrack;
import io.relaycast.sfu.transport.PacketTransport;
import io.relaycast.sfu.transport.WebRtcTransport;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One viewer: a {@link PacketSink} that rewrites the publisher's packets into the viewer's own RTP streams and sends
 * them over the viewer's transport.
 *
 * <p>Per packet (on the publisher's receive thread, under this viewer's own monitor, which only the packet path
 * and this viewer's RTCP take): copy into this viewer's reusable buffer, rewrite SSRC, sequence number and timestamp
 * ({@link RtpStreamRewriter}: continuous across publisher restarts, random start per RFC 3550 section 5.1), payload
 * type and header extension ids ({@link TrackMapping}), then SRTP-protect in place and send. Other viewers never
 * see this viewer's state, so a slow or failed viewer costs the others nothing but its own loop iteration.
 *
 * <p>Sender reports: each publisher SR is re-issued for the viewer with the viewer's SSRC, the same NTP time and
 * the RTP timestamp mapped into the viewer's timestamp space (RFC 3550 section 6.4.1), so the viewer can line audio
 * up with video as the publisher captured them. The viewer's PLI and FIR (RFC 4585 section 6.3.1, RFC 5104 section
 * 4.3.1) become a throttled keyframe request to the publisher.
 *
 * <p>Retransmissions (RFC 4585 section 6.2.1 generic NACK from the viewer): when the viewer took RTX (RFC 4588,
 * offered with an FID group and its own SSRC), the requested packet is fetched from the publisher's per-source
 * {@link PacketCache} through the inverse sequence mapping, rewritten like the original and sent as RTX with the
 * original sequence number in front of the payload and our own RTX sequence numbers (section 4). Without RTX
 * (a WHEP player that did not offer it) the viewer's own protected packets are kept and re-sent byte for byte:
 * SRTP forbids protecting one sequence number twice (RFC 3711 section 3.3.2). A request repeated within
 * {@link #RESEND_GUARD_MILLIS} is a duplicate and ignored; one for a packet no longer cached is counted.
 */
public final class Subscriber extends Peer implements PacketSink, WebRtcTransport.MediaHandler {

    /** Room after the packet for the SRTP tag (16 octets for both profiles we negotiate) and then some. */
    static final int SEND_RESERVE = 64;
    static final int SEND_BUFFER = 1500 + SEND_RESERVE;
    private static final ReportBlock[] NO_BLOCKS = new ReportBlock[0];
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A viewer repeats a NACK after about a round trip; one answer per packet per this interval. */
    static final long RESEND_GUARD_MILLIS = 40;
    /** The per-viewer cache of protected video packets for plain retransmission (viewers without RTX). */
    static final int PLAIN_CACHE_PACKETS = 256;

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
    private final Outbound audio;
    private final Outbound video;
    private final byte[] sendBuffer = new byte[SEND_BUFFER];
    private final byte[] rtcpBuffer = new byte[256];
    private final RtpHeaderReader reader = new RtpHeaderReader();
    private final RtpExtensionIterator scratch = new RtpExtensionIterator();
    private final byte[] repairBuffer = new byte[SEND_BUFFER];
    private final ResendGuard resendGuard = new ResendGuard(RESEND_GUARD_MILLIS);
    private final int[] nackedSeqs = new int[512];
    private int rtxSequence = RANDOM.nextInt(0x1_0000);
    /** Protected video packets by viewer sequence number; only for a viewer without RTX. */
    private volatile PacketCache sentVideo;
    /** Simulcast: the layer this viewer gets. Guarded by this. */
    private final LayerSelector layers = new LayerSelector();
    private long layerRatesAtMillis;
    /** Simulcast VP8: PictureID / TL0PICIDX continuous across switches. Guarded by this. */
    private final Vp8DescriptorRewriter vp8 = new Vp8DescriptorRewriter();
    /** The packet takeLayer() just let through starts a new layer. Guarded by this. */
    private boolean layerStarts;
    /** The video being forwarded is VP8 simulcast (its retransmissions need {@link #vp8} too). Guarded by this. */
    private boolean vp8Simulcast;
    /** The viewer's bandwidth from its receiver reports (what simulcast layer choice runs on). Guarded by this. */
    private final ViewerBandwidthEstimate bandwidth = new ViewerBandwidthEstimate();
    private long octetsAtLastReport;
    private long lastReportAtMillis;
    /** Its REMB, if it sends one; negative until then. Guarded by this. */
    private long rembBps = -1;
    /** Video bit/s we sent between its last two receiver reports. Guarded by this. */
    private long sentBps;
    private long layerKeyframeAskedAtMillis;

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
    private final LongAdder nacks = new LongAdder();
    private final LongAdder layerSwitches = new LongAdder();
    private volatile long lastEstimate = -1;
    private final LongAdder nackedPackets = new LongAdder();
    private final LongAdder retransmittedRtx = new LongAdder();
    private final LongAdder retransmittedPlain = new LongAdder();
    private final LongAdder nackDuplicate = new LongAdder();
    private final LongAdder nackUnavailable = new LongAdder();
    private final LongAdder senderReportsSent = new LongAdder();
    private final LongAdder receiverReports = new LongAdder();
    /** The layer selector's state, copied out under the monitor for the stats. */
    private volatile int currentLayer = -1;
    private volatile int targetLayer = LayerSelector.MAX_LAYERS - 1;
    private volatile LayerSelector.Quality chosenQuality = LayerSelector.Quality.AUTO;
    private volatile long readyAtMillis;
    private volatile long firstVideoAtMillis;

    /**
     * The rewritten stream of one kind toward this viewer. Written under the subscriber's monitor; the counters and
     * the viewer's latest report are volatile so the stats read them without that monitor.
     */
    static final class Outbound {
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

        Outbound(long ssrc, int clockRate) {
            this.ssrc = ssrc;
            this.clockRate = clockRate;
            this.rewriter = RtpStreamRewriter.withRandomStart(ssrc, clockRate, RANDOM);
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
    }

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
        this.audio = new Outbound(ssrcs.audioSsrc(), 48_000);
        this.video = new Outbound(ssrcs.videoSsrc(), 90_000);
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
        if (vm != null && !(vm.hasRtx() && ssrcs.videoRtxSsrc() != 0) && sentVideo == null) {
            sentVideo = new PacketCache(PLAIN_CACHE_PACKETS, SEND_BUFFER, Publisher.CACHE_MAX_AGE_MILLIS);
        }
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

    // ---- the packet path: publisher's receive thread ----

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
            if (packet.layer() >= 0 && !takeLayer(packet)) {
                return;
            }
            Outbound out = packet.kind() == MediaKind.AUDIO ? audio : video;
            System.arraycopy(packet.buffer(), packet.offset(), sendBuffer, 0, len);
            if (!reader.reset(sendBuffer, 0, len) || !out.rewriter.rewrite(reader, packet.receivedAtMillis())) {
                droppedOld.increment(); // older than the current mapping (RFC 3550 A.1 reordering across a switch)
                return;
            }
            RtpHeaderWriter.setPayloadType(sendBuffer, 0, pt);
            if (reader.hasExtension()) {
                // RFC 8285: renumber to the viewer's ids, erase what it did not negotiate (becomes padding)
                RtpHeaderWriter.remapExtensionIds(reader, mapping.extensionIdTable(), scratch);
            }
            int payload = reader.payloadLength();
            if (packet.layer() >= 0 && packet.codec() != null && packet.codec().codec() == ForwardedCodec.VP8) {
                vp8Simulcast = true;
                if (layerStarts) {
                    vp8.restart(sendBuffer, reader.payloadOffset(), payload);
                }
                vp8.rewrite(sendBuffer, reader.payloadOffset(), payload, true);
            }
            layerStarts = false;
            PacketCache plain = packet.kind() == MediaKind.VIDEO ? sentVideo : null;
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
                io.relaycast.sfu.api.SfuMetrics.sent(packet.kind() == MediaKind.VIDEO, len);
                out.packets++;
                out.octets += payload;
                out.rate.onPacket(len, packet.receivedAtMillis());
                if (firstVideoAtMillis == 0 && packet.kind() == MediaKind.VIDEO) {
                    firstVideoAtMillis = System.currentTimeMillis();
                }
            } else {
                sendFailures.increment();
            }
        }
    }

    /**
     * Simulcast: whether this packet's layer is the one this viewer gets ({@link LayerSelector}); a switch needs
     * nothing more here, since the rewriter starts a continuous new mapping on the new layer's SSRC. Called under
     * this viewer's monitor.
     */
    private boolean takeLayer(MediaPacket packet) {
        long now = packet.receivedAtMillis();
        if (now - layerRatesAtMillis >= 1000) {
            layerRatesAtMillis = now;
            Publisher publisher = room.publisher();
            if (publisher != null) {
                for (int l = 0; l < LayerSelector.MAX_LAYERS; l++) {
                    layers.onLayerBitrate(l, publisher.videoLayerBitrate(l));
                }
            }
        }
        int before = layers.current();
        int decision = layers.onPacket(packet.layer(), packet.keyframe());
        publishLayers();
        if (decision == LayerSelector.DROP) {
            if (layers.switchPending() && now - layerKeyframeAskedAtMillis >= Room.KEYFRAME_INTERVAL_MILLIS * 2) {
                layerKeyframeAskedAtMillis = now;
                room.requestKeyframe(); // the target layer's next keyframe is where we can switch
            }
            return false;
        }
        if (decision == LayerSelector.SWITCH) {
            layerSwitches.increment();
            layerStarts = true;
            // a switch up is the estimate's probe; any switch makes the viewer's REMB stale for a while
            bandwidth.onLayerSwitch(before >= 0 && layers.current() > before, now);
        }
        return true;
    }

    /** Copies the selector's state into the volatile fields the stats read. Under this viewer's monitor. */
    private void publishLayers() {
        int c = layers.current();
        int t = layers.target();
        if (c != currentLayer) {
            currentLayer = c;
        }
        if (t != targetLayer) {
            targetLayer = t;
        }
    }

    /** The viewer's choice of quality ({@code stream:quality}); AUTO follows its bandwidth. */
    public void setQuality(LayerSelector.Quality quality) {
        synchronized (this) {
            layers.setQuality(quality);
            chosenQuality = quality;
            publishLayers();
        }
    }

    @Override
    public void onSenderReport(MediaKind kind, long sourceSsrc, long ntpTimestamp, long rtpTimestamp) {
        if (!ready) {
            return;
        }
        synchronized (this) {
            Outbound out = kind == MediaKind.AUDIO ? audio : video;
            if (out.ssrc == 0 || !out.rewriter.isStarted() || out.rewriter.sourceSsrc() != sourceSsrc) {
                return; // nothing sent from that source yet: its timestamps mean nothing to the viewer
            }
            // RFC 3550 section 6.4.1: NTP and RTP timestamps of one instant, in the viewer's timestamp space
            int len = SenderReport.write(rtcpBuffer, 0, out.ssrc, ntpTimestamp, out.rewriter.mapTimestamp(rtpTimestamp),
                    out.packets, out.octets, NO_BLOCKS, 0);
            int sdes = len < 0 ? -1 : SourceDescription.writeCname(rtcpBuffer, len, out.ssrc, cname, 0, cname.length);
            if (sdes < 0) {
                return;
            }
            if (transport().sendRtcp(rtcpBuffer, 0, len + sdes)) {
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
                    rembBps = bps;
                    bandwidth.onRemb(bps, System.currentTimeMillis());
                    updateEstimate();
                    publishLayers();
                }
            } else if (type == RtcpPacketType.RECEIVER_REPORT && receiverReport.reset(buf, at, length)) {
                onReceiverReport(System.nanoTime());
            } else if (type == RtcpPacketType.TRANSPORT_FEEDBACK && nack.reset(buf, at, length)) {
                nacks.increment();
                io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.NACKS_RECEIVED, 1);
                if (nack.mediaSsrc() == video.ssrc && video.ssrc != 0) {
                    int n = nack.copyLost(nackedSeqs, 0);
                    nackedPackets.add(n);
                    long now = System.currentTimeMillis();
                    for (int i = 0; i < n; i++) {
                        retransmit(nackedSeqs[i], now);
                    }
                }
            }
        }
    }

    /**
     * The viewer's receiver report (RFC 3550 section 6.4.2): its loss, jitter and, through LSR and DLSR, the round
     * trip of each stream we send it; the video block also drives the {@link ViewerBandwidthEstimate}. Under the
     * monitor: the sender report times and the layer selector are written by the packet path.
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
                    onVideoReport(now);
                }
            }
        }
    }

    /**
     * The viewer's fraction lost on our video stream and what we sent it since its last report drive the
     * {@link ViewerBandwidthEstimate}. Chromium reports about once a second. Called under this, with the block in
     * {@link #reportBlock}.
     */
    private void onVideoReport(long now) {
        long octets = video.octets;
        long elapsed = now - lastReportAtMillis;
        if (lastReportAtMillis == 0 || elapsed <= 0) {
            lastReportAtMillis = now;
            octetsAtLastReport = octets;
            return;
        }
        sentBps = (octets - octetsAtLastReport) * 8000 / elapsed;
        lastReportAtMillis = now;
        octetsAtLastReport = octets;
        bandwidth.onReport(reportBlock.fractionLost(), sentBps, layers.topLayerNeed(), now);
        updateEstimate();
        publishLayers();
    }

    /** Hands the estimate to the layer selector (before the first report: the REMB, if any). Called under this. */
    private void updateEstimate() {
        long bps = bandwidth.estimate() < 0 ? rembBps : bandwidth.estimate();
        lastEstimate = bps;
        layers.onEstimate(bps);
    }

    /** Answers one NACKed video sequence number (the viewer's numbering); see the class comment. */
    private void retransmit(int viewerSeq, long nowMillis) {
        TrackMapping mapping = videoMapping;
        if (mapping == null || !ready) {
            return;
        }
        synchronized (this) {
            if (!resendGuard.allow(viewerSeq, nowMillis)) {
                nackDuplicate.increment();
                return;
            }
            PacketCache plain = sentVideo;
            if (plain != null) {
                int len = plain.take(viewerSeq, repairBuffer, 0, nowMillis);
                if (len < 0) {
                    nackUnavailable.increment();
                } else if (transport().sendProtectedRtp(repairBuffer, 0, len)) {
                    retransmittedPlain.increment();
                    io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.RETRANSMISSIONS_SENT, 1);
                    video.rate.onPacket(len, nowMillis);
                }
                return;
            }
            Publisher publisher = room.publisher();
            RtpStreamRewriter rewriter = video.rewriter;
            int sourceSeq = rewriter.isStarted() ? rewriter.sourceSequenceNumber(viewerSeq)
                    : SequenceNumberRewriter.DROP;
            if (publisher == null || sourceSeq == SequenceNumberRewriter.DROP) {
                nackUnavailable.increment();
                return;
            }
            int len = publisher.cachedPacket(rewriter.sourceSsrc(), sourceSeq, repairBuffer, 0, nowMillis);
            if (len < 0 || len + 2 > SEND_BUFFER - SEND_RESERVE || !reader.reset(repairBuffer, 0, len)) {
                nackUnavailable.increment();
                return;
            }
            int rtxPt = mapping.rtxPayloadType(reader.payloadType());
            if (rtxPt == TrackMapping.DROP) {
                nackUnavailable.increment();
                return;
            }
            // the original as the viewer got it: its timestamp, its extension ids
            RtpHeaderWriter.setTimestamp(repairBuffer, 0, rewriter.mapTimestamp(reader.timestamp()));
            if (reader.hasExtension()) {
                RtpHeaderWriter.remapExtensionIds(reader, mapping.extensionIdTable(), scratch);
            }
            if (vp8Simulcast) {
                // the same PictureID / TL0PICIDX the viewer got the first time (only the current layer is cached)
                vp8.rewrite(repairBuffer, reader.payloadOffset(), reader.payloadLength(), false);
            }
            // RFC 4588 section 4: OSN (the viewer's sequence number) then the original payload (padding stays last)
            int payloadAt = reader.payloadOffset();
            System.arraycopy(repairBuffer, payloadAt, repairBuffer, payloadAt + 2, len - payloadAt);
            BigEndian.put16(repairBuffer, payloadAt, viewerSeq);
            RtpHeaderWriter.setSequenceNumber(repairBuffer, 0, rtxSequence);
            rtxSequence = (rtxSequence + 1) & 0xFFFF;
            RtpHeaderWriter.setSsrc(repairBuffer, 0, ssrcs.videoRtxSsrc());
            RtpHeaderWriter.setPayloadType(repairBuffer, 0, rtxPt);
            if (transport().sendRtp(repairBuffer, 0, len + 2)) {
                retransmittedRtx.increment();
                io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.RETRANSMISSIONS_SENT, 1);
                video.rate.onPacket(len + 2, nowMillis);
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
        for (Outbound out : new Outbound[] {audio, video}) {
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
        int layer = currentLayer;
        return new ViewerStats(peerId(), isReady() && bps > 0, bps, Publisher.round2(pps), loss, lost, jitter, rtt,
                nacks.sum(), retransmittedRtx.sum() + retransmittedPlain.sum(), keyframeRequests.sum(), layer,
                layer < 0 ? -1 : targetLayer);
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
        m.put("audio", outbound(audio, audioMapping, now));
        m.put("video", outbound(video, videoMapping, now));
        m.put("droppedPayloadType", droppedPayloadType.sum());
        m.put("droppedOld", droppedOld.sum());
        m.put("droppedTooBig", droppedTooBig.sum());
        m.put("sendFailures", sendFailures.sum());
        m.put("senderReportsSent", senderReportsSent.sum());
        m.put("receiverReportsReceived", receiverReports.sum());
        m.put("keyframeRequestsReceived", keyframeRequests.sum());
        Map<String, Object> layer = new LinkedHashMap<>();
        layer.put("current", totals.layer());
        layer.put("target", totals.targetLayer());
        layer.put("quality", chosenQuality.name().toLowerCase(java.util.Locale.ROOT));
        layer.put("switches", layerSwitches.sum());
        m.put("simulcast", layer);
        m.put("estimatedBandwidth", lastEstimate < 0 ? null : lastEstimate);
        // read without the viewer's monitor, which the packet path holds: a debug view may be a moment stale
        Map<String, Object> bw = new LinkedHashMap<>();
        bw.put("remb", rembBps < 0 ? null : rembBps);
        bw.put("estimate", bandwidth.estimate() < 0 ? null : bandwidth.estimate());
        bw.put("lastFractionLost", bandwidth.lastFractionLost() / 256.0);
        bw.put("decreases", bandwidth.decreases());
        bw.put("probes", bandwidth.probes());
        bw.put("probesFailed", bandwidth.probesFailed());
        bw.put("holdMs", bandwidth.holdMillis());
        bw.put("sent", sentBps);
        m.put("bandwidth", bw);
        m.put("nacksReceived", nacks.sum());
        m.put("nackedPackets", nackedPackets.sum());
        m.put("retransmittedRtx", retransmittedRtx.sum());
        m.put("retransmittedPlain", retransmittedPlain.sum());
        m.put("nackDuplicates", nackDuplicate.sum());
        m.put("nackUnavailable", nackUnavailable.sum());
        m.put("transport", transport().debugState());
        return m;
    }

    private static Map<String, Object> outbound(Outbound out, TrackMapping mapping, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ssrc", out.ssrc);
        m.put("packets", out.packets);
        m.put("octets", out.octets);
        m.put("bitrateBps", out.rate.bitsPerSecond(now));
        m.put("packetsPerSecond", Publisher.round2(out.rate.packetsPerSecond(now)));
        int fraction = out.fractionLost;
        m.put("lossPercent", fraction < 0 ? null : Publisher.round2(fraction * 100.0 / 256));
        m.put("packetsLost", fraction < 0 ? null : out.cumulativeLost);
        m.put("jitterMs", fraction < 0 ? null : Publisher.round2(out.jitterMillis()));
        long rtt = out.rttMicros;
        m.put("rttMs", rtt < 0 ? null : Publisher.round2(rtt / 1000.0));
        m.put("mapping", mapping == null ? null : mapping.debugState());
        return m;
    }
}
