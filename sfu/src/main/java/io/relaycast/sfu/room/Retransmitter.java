package io.relaycast.sfu.room;

import io.relaycast.sfu.rtcp.GenericNack;
import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.rtp.RtpExtensionIterator;
import io.relaycast.sfu.rtp.RtpHeaderReader;
import io.relaycast.sfu.rtp.RtpHeaderWriter;
import io.relaycast.sfu.rtp.RtpStreamRewriter;
import io.relaycast.sfu.rtp.SequenceNumberRewriter;
import io.relaycast.sfu.transport.PacketTransport;

import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Answers a viewer's generic NACKs (RFC 4585 section 6.2.1) on its video stream. When the viewer took RTX (RFC 4588,
 * offered with an FID group and its own SSRC), the requested packet is fetched from the publisher's per-source
 * {@link PacketCache} through the room ({@link Room#cachedPacket}) by inverting the viewer's sequence mapping,
 * rewritten like the original and sent as RTX with the original sequence number in front of the payload and our
 * own RTX sequence numbers (section 4). Without RTX (a WHEP player that did not offer it) the viewer's own protected
 * packets are kept ({@link #plainCache()}) and re-sent byte for byte: SRTP forbids protecting one sequence number
 * twice (RFC 3711 section 3.3.2). A request repeated within {@link #GUARD_MILLIS} is a duplicate and ignored
 * ({@link ResendGuard}); one for a packet no longer cached is counted.
 *
 * <p>The viewer's receive thread, under the subscriber's monitor (the packet path writes the rewriter and the plain
 * cache under it).
 */
final class Retransmitter {
    /** A viewer repeats a NACK after about a round trip; one answer per packet per this interval. */
    static final long GUARD_MILLIS = 40;
    /** The per-viewer cache of protected video packets for plain retransmission (viewers without RTX). */
    static final int PLAIN_CACHE_PACKETS = 256;

    private final Room room;
    private final PacketTransport transport;
    private final RtpStreamSend video;
    private final long rtxSsrc;
    private final SimulcastController simulcast;
    private final int bufferLimit;
    private final byte[] repairBuffer;
    private final RtpHeaderReader reader = new RtpHeaderReader();
    private final RtpExtensionIterator scratch = new RtpExtensionIterator();
    private final ResendGuard guard = new ResendGuard(GUARD_MILLIS);
    private final int[] nackedSeqs = new int[512];
    private int rtxSequence;
    /** Protected video packets by viewer sequence number; only for a viewer without RTX. */
    private volatile PacketCache plain;

    private final LongAdder nacks = new LongAdder();
    private final LongAdder nackedPackets = new LongAdder();
    private final LongAdder rtx = new LongAdder();
    private final LongAdder plainResent = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder unavailable = new LongAdder();

    Retransmitter(Room room, PacketTransport transport, RtpStreamSend video, long rtxSsrc,
                  SimulcastController simulcast, int bufferSize, int bufferLimit, SecureRandom random) {
        this.room = room;
        this.transport = transport;
        this.video = video;
        this.rtxSsrc = rtxSsrc;
        this.simulcast = simulcast;
        this.bufferLimit = bufferLimit;
        this.repairBuffer = new byte[bufferSize];
        this.rtxSequence = random.nextInt(0x1_0000);
    }

    /** The viewer's video mapping changed: without RTX its protected packets must be kept for re-sending. */
    void onMapping(TrackMapping mapping, int bufferSize) {
        if (mapping != null && !(mapping.hasRtx() && rtxSsrc != 0) && plain == null) {
            plain = new PacketCache(PLAIN_CACHE_PACKETS, bufferSize, RtpStreamRecv.CACHE_MAX_AGE_MILLIS);
        }
    }

    /** Where the packet path keeps protected video packets, or null when the viewer takes RTX. */
    PacketCache plainCache() {
        return plain;
    }

    /** A generic NACK from the viewer, in {@code nack}. Call under the subscriber's monitor only what it needs. */
    void onNack(GenericNack nack, TrackMapping mapping, boolean ready, Object monitor) {
        nacks.increment();
        io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.NACKS_RECEIVED, 1);
        if (nack.mediaSsrc() != video.ssrc || video.ssrc == 0) {
            return;
        }
        int n = nack.copyLost(nackedSeqs, 0);
        nackedPackets.add(n);
        long now = System.currentTimeMillis();
        if (mapping == null || !ready) {
            return;
        }
        for (int i = 0; i < n; i++) {
            synchronized (monitor) {
                retransmit(nackedSeqs[i], mapping, now);
            }
        }
    }

    /** Answers one NACKed video sequence number (the viewer's numbering). */
    private void retransmit(int viewerSeq, TrackMapping mapping, long nowMillis) {
        if (!guard.allow(viewerSeq, nowMillis)) {
            duplicates.increment();
            return;
        }
        PacketCache kept = plain;
        if (kept != null) {
            int len = kept.take(viewerSeq, repairBuffer, 0, nowMillis);
            if (len < 0) {
                unavailable.increment();
            } else if (transport.sendProtectedRtp(repairBuffer, 0, len)) {
                plainResent.increment();
                io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.RETRANSMISSIONS_SENT, 1);
                video.rate.onPacket(len, nowMillis);
            }
            return;
        }
        RtpStreamRewriter rewriter = video.rewriter;
        int sourceSeq = rewriter.isStarted() ? rewriter.sourceSequenceNumber(viewerSeq)
                : SequenceNumberRewriter.DROP;
        if (sourceSeq == SequenceNumberRewriter.DROP) {
            unavailable.increment();
            return;
        }
        int len = room.cachedPacket(rewriter.sourceSsrc(), sourceSeq, repairBuffer, 0, nowMillis);
        if (len < 0 || len + 2 > bufferLimit || !reader.reset(repairBuffer, 0, len)) {
            unavailable.increment();
            return;
        }
        int rtxPt = mapping.rtxPayloadType(reader.payloadType());
        if (rtxPt == TrackMapping.DROP) {
            unavailable.increment();
            return;
        }
        // the original as the viewer got it: its timestamp, its extension ids, its VP8 descriptor
        RtpHeaderWriter.setTimestamp(repairBuffer, 0, rewriter.mapTimestamp(reader.timestamp()));
        if (reader.hasExtension()) {
            RtpHeaderWriter.remapExtensionIds(reader, mapping.extensionIdTable(), scratch);
        }
        simulcast.rewriteRetransmission(repairBuffer, reader.payloadOffset(), reader.payloadLength());
        // RFC 4588 section 4: OSN (the viewer's sequence number) then the original payload (padding stays last)
        int payloadAt = reader.payloadOffset();
        System.arraycopy(repairBuffer, payloadAt, repairBuffer, payloadAt + 2, len - payloadAt);
        BigEndian.put16(repairBuffer, payloadAt, viewerSeq);
        RtpHeaderWriter.setSequenceNumber(repairBuffer, 0, rtxSequence);
        rtxSequence = (rtxSequence + 1) & 0xFFFF;
        RtpHeaderWriter.setSsrc(repairBuffer, 0, rtxSsrc);
        RtpHeaderWriter.setPayloadType(repairBuffer, 0, rtxPt);
        if (transport.sendRtp(repairBuffer, 0, len + 2)) {
            rtx.increment();
            io.relaycast.sfu.api.SfuMetrics.add(io.relaycast.sfu.api.SfuMetrics.RETRANSMISSIONS_SENT, 1);
            video.rate.onPacket(len + 2, nowMillis);
        }
    }

    long nacks() {
        return nacks.sum();
    }

    long retransmitted() {
        return rtx.sum() + plainResent.sum();
    }

    void debugState(Map<String, Object> m) {
        m.put("nacksReceived", nacks.sum());
        m.put("nackedPackets", nackedPackets.sum());
        m.put("retransmittedRtx", rtx.sum());
        m.put("retransmittedPlain", plainResent.sum());
        m.put("nackDuplicates", duplicates.sum());
        m.put("nackUnavailable", unavailable.sum());
    }
}
