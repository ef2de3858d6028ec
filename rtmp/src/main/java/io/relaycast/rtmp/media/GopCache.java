package io.relaycast.rtmp.media;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The start of an RTMP publication, or else its latest group of pictures, as FLV tag bodies: from an AVC keyframe
 * (FLV specification E.4.3.1: frame type 1, AVC packet type 1) every audio and video tag after it, plus the latest
 * AVC and AAC sequence headers, which a decoder needs before any frame. Replaying it gives a consumer a decodable
 * start at once; RTMP has no way to ask the encoder for a keyframe (decision 146).
 *
 * <p>While everything since the publication's first keyframe fits the bounds (octets and media time), all of it is
 * kept, so a recorder or HLS ladder that joins in the first seconds covers the stream from its start. Once it no
 * longer fits, only the latest group is kept: the history is dropped at the next keyframe. A single group that
 * outgrows either bound is dropped whole (a group without its keyframe is of no use) and the cache stays empty until
 * the next keyframe. Not thread-safe: the connection's event loop owns it. Tags are kept by reference: the chunk
 * decoder hands each message a payload array of its own.
 */
public final class GopCache {
    /** One cached tag. */
    public record Tag(boolean video, byte[] payload, long flvMillis) {
    }

    private final long maxBytes;
    private final long maxMillis;
    private final ArrayDeque<Tag> group = new ArrayDeque<>();
    private Tag avcConfig;
    private Tag aacConfig;
    private long bytes;
    private long groupStartMillis;
    private long firstStartMillis;
    private boolean fromStart = true;
    private long groupsTooLarge;

    /** @param maxBytes octets of tag payload at most; 0 keeps nothing (only sequence headers) */
    public GopCache(long maxBytes, long maxMillis) {
        this.maxBytes = maxBytes;
        this.maxMillis = maxMillis;
    }

    /** Adds one FLV tag body; a keyframe starts a new group. */
    public void add(boolean video, byte[] payload, long flvMillis) {
        Tag tag = new Tag(video, payload, flvMillis);
        if (isSequenceHeader(video, payload)) {
            if (video) {
                avcConfig = tag;
            } else {
                aacConfig = tag;
            }
            return;
        }
        if (video && isKeyframe(payload)) {
            if (group.isEmpty()) {
                firstStartMillis = flvMillis;
            } else if (!fromStart) {
                clear();
                firstStartMillis = flvMillis;
            }
            groupStartMillis = flvMillis;
        } else if (group.isEmpty()) {
            return; // no keyframe to start from yet (or the group was too large): useless to a new consumer
        }
        if (bytes + payload.length > maxBytes || flvMillis - firstStartMillis > maxMillis) {
            if (fromStart && groupStartMillis != firstStartMillis) {
                // the start no longer fits: keep the current group only, from now on
                fromStart = false;
                dropBefore(groupStartMillis);
                firstStartMillis = groupStartMillis;
            }
            if (bytes + payload.length > maxBytes || flvMillis - firstStartMillis > maxMillis) {
                fromStart = false;
                groupsTooLarge++;
                clear();
                return;
            }
        }
        group.add(tag);
        bytes += payload.length;
    }

    /** Drops the tags before the keyframe at {@code keyframeMillis}, the start of the current group. */
    private void dropBefore(long keyframeMillis) {
        while (!group.isEmpty()) {
            Tag t = group.peekFirst();
            if (t.video() && t.flvMillis() == keyframeMillis && isKeyframe(t.payload())) {
                return;
            }
            bytes -= group.pollFirst().payload().length;
        }
    }

    /** The sequence headers, then the cached tags from their first keyframe; the cache is left empty of media. */
    public List<Tag> drain() {
        List<Tag> out = new ArrayList<>(group.size() + 2);
        if (avcConfig != null) {
            out.add(avcConfig);
        }
        if (aacConfig != null) {
            out.add(aacConfig);
        }
        out.addAll(group);
        clear();
        return out;
    }

    private void clear() {
        group.clear();
        bytes = 0;
    }

    /** Tags of the current group (0: no keyframe cached). */
    public int tags() {
        return group.size();
    }

    public long bytes() {
        return bytes;
    }

    /** Media time from the first cached keyframe to the newest cached tag, in ms (0 when empty). */
    public long millis() {
        return group.isEmpty() ? 0 : group.peekLast().flvMillis() - firstStartMillis;
    }

    /** True while the cache holds everything since the publication's first keyframe. */
    public boolean fromStart() {
        return fromStart && !group.isEmpty();
    }

    /** Groups dropped because they outgrew the bounds (the encoder's keyframe interval is too long for them). */
    public long groupsTooLarge() {
        return groupsTooLarge;
    }

    /** AVC sequence header (E.4.3.1: codec 7, packet type 0) or AAC sequence header (E.4.2.1: format 10, type 0). */
    static boolean isSequenceHeader(boolean video, byte[] p) {
        if (p.length < 2 || p[1] != 0) {
            return false;
        }
        return video ? (p[0] & 0x8F) == 7 : ((p[0] & 0xF0) >>> 4) == 10;
    }

    /** An AVC NALU tag of a key frame (frame type 1, codec 7, packet type 1). */
    public static boolean isKeyframe(byte[] p) {
        return p.length > 1 && (p[0] & 0xFF) == 0x17 && p[1] == 1;
    }
}
