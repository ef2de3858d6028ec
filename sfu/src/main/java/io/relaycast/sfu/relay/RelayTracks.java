package io.relaycast.sfu.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.MediaDirection;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.StreamSsrcs;
import io.relaycast.sfu.room.Publisher;

import java.util.ArrayList;
import java.util.List;

/**
 * A publication's tracks as JSON, so that an edge describes the relayed publisher to its room exactly as the origin
 * does: the same codecs with the publisher's payload types, header extension ids, rids, and the media SSRC of each
 * simulcast layer the origin knows (rid-only simulcast learns SSRCs from the rid header extension, RFC 8852, which
 * browsers stop sending once their SSRC is acknowledged, so the edge cannot learn them from the packets it joins
 * late on). RTX SSRCs are left out: the origin repairs its own losses and relays the original packets.
 *
 * <p>{@link #read} checks every field and bound (the answer comes from the network, authenticated or not) and
 * throws {@link IllegalArgumentException} for anything else.
 */
public final class RelayTracks {
    static final int MAX_CODECS = 16;
    static final int MAX_EXTENSIONS = 16;
    static final int MAX_LAYERS = 8;
    static final int MAX_TEXT = 512;

    private RelayTracks() {
    }

    public static ObjectNode write(Publisher publisher) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        PublishedTracks tracks = publisher.tracks();
        if (tracks.audio() != null) {
            out.set("audio", track(publisher, tracks.audio()));
        }
        if (tracks.video() != null) {
            out.set("video", track(publisher, tracks.video()));
        }
        return out;
    }

    private static ObjectNode track(Publisher publisher, PublishedTrack t) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("mid", t.mid());
        ArrayNode codecs = o.putArray("codecs");
        for (NegotiatedCodec c : t.codecs()) {
            ObjectNode n = codecs.addObject();
            n.put("codec", c.codec().name());
            n.put("pt", c.payloadType());
            n.put("name", c.encodingName());
            n.put("clockRate", c.clockRate());
            n.put("channels", c.channels());
            n.put("fmtp", c.formatParameters());
            n.put("rtxPt", c.rtxPayloadType());
            n.put("rtxFmtp", c.rtxFormatParameters());
            ArrayNode fb = n.putArray("feedback");
            c.feedback().forEach(fb::add);
        }
        ArrayNode ext = o.putArray("extensions");
        for (ExtMap e : t.headerExtensions()) {
            ObjectNode n = ext.addObject();
            n.put("id", e.id());
            n.put("uri", e.uri());
            n.put("direction", e.direction() == null ? "" : e.direction().attributeName());
            n.put("attributes", e.attributes());
        }
        int layers = Math.max(t.rids().size(), t.ssrcs().size());
        ArrayNode ssrcs = o.putArray("ssrcs");
        for (long ssrc : publisher.mediaSsrcsByLayer(t, layers)) {
            if (ssrc == 0) {
                break; // layers are placed by position: only the known prefix, the rest by rid
            }
            ssrcs.add(ssrc);
        }
        ArrayNode rids = o.putArray("rids");
        t.rids().forEach(rids::add);
        o.put("streamId", t.streamId());
        o.put("trackId", t.trackId());
        o.put("cname", t.cname());
        return o;
    }

    public static PublishedTracks read(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("tracks must be an object");
        }
        PublishedTrack audio = json.has("audio") ? track(json.get("audio"), MediaKind.AUDIO) : null;
        PublishedTrack video = json.has("video") ? track(json.get("video"), MediaKind.VIDEO) : null;
        return new PublishedTracks(audio, video);
    }

    private static PublishedTrack track(JsonNode o, MediaKind kind) {
        object(o, kind.media());
        List<NegotiatedCodec> codecs = new ArrayList<>();
        for (JsonNode n : array(o, "codecs", MAX_CODECS)) {
            object(n, "codec");
            ForwardedCodec codec;
            try {
                codec = ForwardedCodec.valueOf(text(n, "codec"));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown codec");
            }
            if (codec.kind() != kind) {
                throw new IllegalArgumentException("a " + codec + " codec on the " + kind.media() + " track");
            }
            int rtxPt = integer(n, "rtxPt", -1, 127);
            List<String> feedback = new ArrayList<>();
            for (JsonNode f : array(n, "feedback", MAX_CODECS)) {
                feedback.add(textValue(f));
            }
            codecs.add(new NegotiatedCodec(codec, integer(n, "pt", 0, 127), text(n, "name"),
                    integer(n, "clockRate", 1, 1_000_000), integer(n, "channels", 0, 8), text(n, "fmtp"), rtxPt,
                    text(n, "rtxFmtp"), feedback));
        }
        List<ExtMap> extensions = new ArrayList<>();
        for (JsonNode n : array(o, "extensions", MAX_EXTENSIONS)) {
            object(n, "extension");
            String direction = text(n, "direction");
            MediaDirection d = direction.isEmpty() ? null : MediaDirection.fromAttribute(direction)
                    .orElseThrow(() -> new IllegalArgumentException("unknown direction"));
            extensions.add(new ExtMap(integer(n, "id", 1, ExtMap.MAX_ID), d, text(n, "uri"), text(n, "attributes")));
        }
        List<StreamSsrcs> ssrcs = new ArrayList<>();
        for (JsonNode n : array(o, "ssrcs", MAX_LAYERS)) {
            if (!n.isIntegralNumber() || !n.canConvertToLong() || n.asLong() < 1 || n.asLong() > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("an SSRC must be 1 to 2^32-1");
            }
            ssrcs.add(new StreamSsrcs(n.asLong(), 0));
        }
        List<String> rids = new ArrayList<>();
        for (JsonNode n : array(o, "rids", MAX_LAYERS)) {
            rids.add(textValue(n));
        }
        return new PublishedTrack(kind, text(o, "mid"), codecs, extensions, ssrcs, rids, text(o, "streamId"),
                text(o, "trackId"), text(o, "cname"));
    }

    private static void object(JsonNode n, String what) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(what + " must be an object");
        }
    }

    private static List<JsonNode> array(JsonNode o, String field, int max) {
        JsonNode a = o.get(field);
        if (a == null || !a.isArray() || a.size() > max) {
            throw new IllegalArgumentException(field + " must be an array of at most " + max);
        }
        List<JsonNode> out = new ArrayList<>(a.size());
        a.forEach(out::add);
        return out;
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        if (n == null) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return textValue(n);
    }

    private static String textValue(JsonNode n) {
        if (!n.isTextual() || n.textValue().length() > MAX_TEXT) {
            throw new IllegalArgumentException("a string of at most " + MAX_TEXT + " characters expected");
        }
        return n.textValue();
    }

    private static int integer(JsonNode o, String field, int min, int max) {
        JsonNode n = o.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < min || n.intValue() > max) {
            throw new IllegalArgumentException(field + " must be an integer " + min + "-" + max);
        }
        return n.intValue();
    }
}
