package io.relaycast.sfu.room;

import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.StreamSsrcs;
import io.relaycast.sfu.rtp.RtpHeaderReader;
import io.relaycast.sfu.sdp.HeaderExtensions;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A publisher's producer streams ({@link RtpStreamRecv}) by SSRC, and how an SSRC finds its track: the SDP's a=ssrc
 * lines, else the mid and rid header extensions (RFC 8843 section 15, RFC 8852), else the payload type. Also the
 * publication's payload type tables (codec by payload type, RFC 4588 section 8.6 apt by RTX payload type).
 *
 * <p>The array is append-only and published by a volatile count: the receive thread adds (under this object's
 * monitor, once per new source, which may allocate), every other reader (stats, RTCP, viewers' retransmissions via
 * the room) scans without a lock.
 */
final class RecvStreams {
    static final int MAX_SOURCES = 16;

    private final PublishedTracks tracks;
    private final NegotiatedCodec[] codecByPt = new NegotiatedCodec[128];
    private final PublishedTrack[] trackByRtxPt = new PublishedTrack[128];
    /** RFC 4588 section 8.6: RTX payload type -> the payload type it repairs (apt), -1 if not RTX. */
    private final int[] aptByRtxPt = new int[128];
    private final int midExtensionId;
    private final int ridExtensionId;
    private final int repairedRidExtensionId;
    private final int transportCcExtensionId;

    private final RtpStreamRecv[] sources = new RtpStreamRecv[MAX_SOURCES];
    private volatile int count;
    private volatile RtpStreamRecv forwardedVideo;

    RecvStreams(PublishedTracks tracks) {
        this.tracks = tracks;
        Arrays.fill(aptByRtxPt, -1);
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
            java.util.List<StreamSsrcs> signalled = track.ssrcs();
            for (int layer = 0; layer < signalled.size() && count < MAX_SOURCES - 1; layer++) {
                RtpStreamRecv media = register(new RtpStreamRecv(signalled.get(layer).media(), track, false, layer));
                media.forwarded = layer == 0 || track.isSimulcast();
                if (signalled.get(layer).hasRtx()) {
                    register(new RtpStreamRecv(signalled.get(layer).rtx(), track, true, layer));
                }
            }
        }
        this.midExtensionId = mid;
        this.ridExtensionId = rid;
        this.repairedRidExtensionId = repairedRid;
        this.transportCcExtensionId = transportCcId;
        for (int i = 0; i < count; i++) {
            if (sources[i].forwarded && sources[i].isVideoMedia()) {
                forwardedVideo = sources[i];
            }
        }
    }

    int transportCcExtensionId() {
        return transportCcExtensionId;
    }

    /** The negotiated codec of a media payload type, or null. */
    NegotiatedCodec codec(int payloadType) {
        return codecByPt[payloadType];
    }

    /** The payload type an RTX payload type repairs (RFC 4588 section 8.6), or -1. */
    int apt(int rtxPayloadType) {
        return aptByRtxPt[rtxPayloadType];
    }

    int count() {
        return count;
    }

    RtpStreamRecv get(int i) {
        return sources[i];
    }

    /** The forwarded video stream (the bottom layer for simulcast), or null: what keyframe requests name. */
    RtpStreamRecv forwardedVideo() {
        return forwardedVideo;
    }

    RtpStreamRecv find(long ssrc) {
        RtpStreamRecv[] all = sources;
        int n = count;
        for (int i = 0; i < n; i++) {
            if (all[i].ssrc == ssrc) {
                return all[i];
            }
        }
        return null;
    }

    /** The media stream an RTX stream repairs: same track, same layer (RFC 4588 section 4). */
    RtpStreamRecv pairedMedia(RtpStreamRecv rtx) {
        int n = count;
        for (int i = 0; i < n; i++) {
            RtpStreamRecv s = sources[i];
            if (!s.rtx && s.track == rtx.track && s.layer == rtx.layer) {
                return s;
            }
        }
        return null;
    }

    /**
     * An SSRC the SDP did not announce: place it by its mid and rid header extensions (RFC 8843 section 15,
     * RFC 8852), or by its payload type. Happens once per new source, so it may allocate.
     */
    synchronized RtpStreamRecv learn(RtpHeaderReader header) {
        RtpStreamRecv known = find(header.ssrc());
        if (known != null) {
            return known;
        }
        if (count >= MAX_SOURCES) {
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
        RtpStreamRecv source = new RtpStreamRecv(header.ssrc(), track, rtx, layer);
        if (!rtx && track.isSimulcast()) {
            source.forwarded = true; // every layer goes to the room; viewers pick
            if (layer == 0 && track.kind() == MediaKind.VIDEO) {
                forwardedVideo = source;
            }
        } else if (!rtx && layer == 0) {
            // the newest stream of a non-simulcast track replaces the old one (an encoder restart, a new SSRC)
            for (int i = 0; i < count; i++) {
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

    private RtpStreamRecv register(RtpStreamRecv source) {
        sources[count] = source;
        count = count + 1; // volatile write publishes the slot
        return source;
    }

    /**
     * The bitrate (bit/s, over the last second) of the video simulcast layer {@code layer}; 0 when it is not
     * being sent, -1 when it was heard from but not measured yet.
     */
    long videoLayerBitrate(int layer) {
        int n = count;
        long bps = 0;
        for (int i = 0; i < n; i++) {
            RtpStreamRecv s = sources[i];
            if (s.forwarded && s.layer == layer && s.isVideoMedia()) {
                bps = s.bitrate < 0 && bps == 0 ? -1 : Math.max(bps, s.bitrate);
            }
        }
        return bps;
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
}
