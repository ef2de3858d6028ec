package io.relaycast.sfu.room;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.ViewerCodec;
import io.relaycast.sfu.media.ViewerTrack;
import io.relaycast.sfu.sdp.ViewerAnswerBuilder;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How one viewer track renumbers what the publisher sends: publisher payload type → viewer payload type, and
 * publisher header extension id → viewer id. Payload types are negotiated per peer connection (RFC 3264 section
 * 6.1) and so are extension ids (RFC 8285 section 5), so the two sides may disagree and the SFU translates.
 * Extensions the viewer did not take, and those only meaningful upstream (mid, rid, transport-wide sequence
 * numbers), are erased to padding by {@link io.relaycast.sfu.rtp.RtpHeaderWriter#remapExtensionIds}.
 *
 * <p>Immutable tables, built on the signaling path and swapped in whole; the packet path only indexes arrays.
 */
public final class TrackMapping {

    /** Payload type "not for this viewer": the packet is dropped. */
    public static final int DROP = -1;

    private final MediaKind kind;
    private final int[] payloadTypes = new int[128];
    private final int[] rtxPayloadTypes = new int[128];
    private boolean rtx;
    private final byte[] extensionIds = new byte[256];
    private final Map<Integer, Integer> describedPts = new LinkedHashMap<>();

    private TrackMapping(MediaKind kind) {
        this.kind = kind;
        Arrays.fill(payloadTypes, DROP);
        Arrays.fill(rtxPayloadTypes, DROP);
    }

    /** The mapping from {@code publisher}'s numbering to {@code viewer}'s for the same kind of track. */
    public static TrackMapping between(PublishedTrack publisher, ViewerTrack viewer) {
        if (publisher.kind() != viewer.kind()) {
            throw new IllegalArgumentException("cannot map " + publisher.kind() + " onto " + viewer.kind());
        }
        TrackMapping m = new TrackMapping(viewer.kind());
        for (NegotiatedCodec codec : publisher.codecs()) {
            Optional<ViewerCodec> target = ViewerCodec.bestFor(codec, viewer.codecs());
            if (target.isPresent()) {
                m.payloadTypes[codec.payloadType()] = target.get().payloadType();
                if (target.get().rtxPayloadType() >= 0) {
                    m.rtxPayloadTypes[codec.payloadType()] = target.get().rtxPayloadType();
                    m.rtx = true;
                }
                m.describedPts.put(codec.payloadType(), target.get().payloadType());
            }
        }
        for (ExtMap viewerExt : viewer.headerExtensions()) {
            if (!ViewerAnswerBuilder.FORWARDED_EXTENSIONS.contains(viewerExt.uri())) {
                continue;
            }
            publisher.headerExtensionId(viewerExt.uri())
                    .ifPresent(publisherId -> m.extensionIds[publisherId] = (byte) viewerExt.id());
        }
        return m;
    }

    public MediaKind kind() {
        return kind;
    }

    /** The viewer's payload type for the publisher's {@code publisherPt}, or {@link #DROP}. */
    public int payloadType(int publisherPt) {
        return payloadTypes[publisherPt & 0x7F];
    }

    /** The viewer's RTX payload type for the publisher's {@code publisherPt} (RFC 4588), or {@link #DROP}. */
    public int rtxPayloadType(int publisherPt) {
        return rtxPayloadTypes[publisherPt & 0x7F];
    }

    /** True when the viewer takes RTX for at least one codec: retransmissions go as RTX, not as plain copies. */
    public boolean hasRtx() {
        return rtx;
    }

    /** Index: publisher extension id; value: viewer id as an unsigned byte, 0 = erase. Do not modify. */
    byte[] extensionIdTable() {
        return extensionIds;
    }

    public int extensionId(int publisherId) {
        return publisherId < 0 || publisherId > 255 ? 0 : extensionIds[publisherId] & 0xFF;
    }

    public boolean isEmpty() {
        return describedPts.isEmpty();
    }

    Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("payloadTypes", describedPts.toString());
        m.put("rtx", rtx);
        StringBuilder ext = new StringBuilder();
        for (int i = 1; i < extensionIds.length; i++) {
            if (extensionIds[i] != 0) {
                ext.append(ext.length() == 0 ? "" : ", ").append(i).append("->").append(extensionIds[i] & 0xFF);
            }
        }
        m.put("extensionIds", "{" + ext + "}");
        return m;
    }
}
