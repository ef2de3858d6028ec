package io.relaycast.hls;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The little of ISO BMFF (ISO/IEC 14496-12) the LL-HLS packager needs from ffmpeg's fragmented MP4: from the init
 * segment ({@code ftyp} + {@code moov}) the video track's id, timescale, size, trex defaults and avcC profile; from
 * each fragment's {@code moof} the video track's decode time ({@code tfdt}), duration (sum of {@code trun} sample
 * durations, falling back to {@code tfhd} then {@code trex} defaults, §8.8.7-8.8.8) and whether its first sample is
 * a sync sample (sample_is_non_sync_sample bit of the sample flags, §8.8.3.1). Bounds are checked everywhere: a
 * malformed box throws {@link IllegalArgumentException}, never reads outside the array.
 */
public final class Mp4Fragments {
    private Mp4Fragments() {
    }

    /** What the init segment says about the video track (trackId 0: none found). */
    public record Init(int videoTrackId, long timescale, int width, int height, String videoCodecs,
                       long defaultDuration, int defaultFlags) {
    }

    /** A fragment as the playlist sees it: video decode time and duration in seconds, first sample a keyframe. */
    public record Fragment(double startSeconds, double durationSeconds, boolean independent) {
    }

    /** Far more samples than one fragment of a second holds (1000 fps audio would be 1000). */
    private static final long MAX_SAMPLES = 100_000;
    private static final Map<String, Boolean> CONTAINERS = new HashMap<>();

    static {
        for (String c : new String[] {"moov", "trak", "mdia", "minf", "stbl", "mvex", "moof", "traf"}) {
            CONTAINERS.put(c, true);
        }
    }

    public static Init parseInit(byte[] b) {
        int off = 0;
        Init found = null;
        while (off + 8 <= b.length) {
            long len = boxSize(b, off);
            if (type(b, off).equals("moov")) {
                found = moov(b, off + header(b, off), (int) (off + len));
            }
            off += (int) len;
        }
        return found == null ? new Init(0, 0, 0, 0, null, 0, 0) : found;
    }

    private static Init moov(byte[] b, int from, int to) {
        Init video = null;
        Map<Integer, long[]> trexes = new HashMap<>();
        for (int off = from; off + 8 <= to; off += (int) boxSize(b, off, to)) {
            String type = type(b, off);
            int body = off + header(b, off);
            int end = (int) (off + boxSize(b, off, to));
            if (type.equals("trak")) {
                Init t = trak(b, body, end);
                if (t != null) {
                    video = t;
                }
            } else if (type.equals("mvex")) {
                for (int o = body; o + 8 <= end; o += (int) boxSize(b, o, end)) {
                    if (type(b, o).equals("trex")) {
                        int p = o + header(b, o) + 4;
                        need(b, p + 20, end);
                        trexes.put(u32i(b, p), new long[] {u32(b, p + 8), u32(b, p + 16)});
                    }
                }
            }
        }
        if (video == null) {
            return null;
        }
        long[] d = trexes.getOrDefault(video.videoTrackId(), new long[] {0, 0});
        return new Init(video.videoTrackId(), video.timescale(), video.width(), video.height(), video.videoCodecs(),
                d[0], (int) d[1]);
    }

    /** A trak: its id, size and codec if its handler is video, else null. */
    private static Init trak(byte[] b, int from, int to) {
        int id = 0;
        int w = 0;
        int h = 0;
        long timescale = 0;
        boolean video = false;
        String codecs = null;
        // depth-first over the containers of interest
        java.util.ArrayDeque<int[]> todo = new java.util.ArrayDeque<>();
        todo.push(new int[] {from, to});
        while (!todo.isEmpty()) {
            int[] r = todo.pop();
            for (int off = r[0]; off + 8 <= r[1]; off += (int) boxSize(b, off, r[1])) {
                String type = type(b, off);
                int body = off + header(b, off);
                int end = (int) (off + boxSize(b, off, r[1]));
                switch (type) {
                    case "tkhd" -> {
                        int v = u8(b, body);
                        int p = body + 4 + (v == 1 ? 16 : 8);
                        need(b, p + 4, end);
                        id = u32i(b, p);
                        need(b, end, end);
                        if (end - 8 >= body) {
                            w = u32i(b, end - 8) >>> 16; // 16.16 fixed point (§8.3.2)
                            h = u32i(b, end - 4) >>> 16;
                        }
                    }
                    case "mdhd" -> {
                        int v = u8(b, body);
                        int p = body + 4 + (v == 1 ? 16 : 8);
                        need(b, p + 4, end);
                        timescale = u32(b, p);
                    }
                    case "hdlr" -> {
                        need(b, body + 12, end);
                        video = "vide".equals(new String(b, body + 8, 4, StandardCharsets.ISO_8859_1));
                    }
                    case "stsd" -> codecs = avc1(b, body, end);
                    default -> {
                        if (CONTAINERS.containsKey(type)) {
                            todo.push(new int[] {body, end});
                        }
                    }
                }
            }
        }
        return video && id != 0 && timescale > 0 ? new Init(id, timescale, w, h, codecs, 0, 0) : null;
    }

    /** RFC 6381 codecs string {@code avc1.PPCCLL} from the avcC in a sample description, or null. */
    private static String avc1(byte[] b, int from, int to) {
        for (int i = from; i + 12 <= to; i++) {
            if (b[i] == 'a' && b[i + 1] == 'v' && b[i + 2] == 'c' && b[i + 3] == 'C') {
                return String.format("avc1.%02x%02x%02x", b[i + 5] & 0xff, b[i + 6] & 0xff, b[i + 7] & 0xff);
            }
        }
        return null;
    }

    /**
     * The video track's part of one {@code moof} (the box itself, header included), or null when the fragment holds
     * no video (ffmpeg flushed audio alone: it joins the next part).
     */
    public static Fragment parseFragment(byte[] b, Init init) {
        if (b.length < 8 || !type(b, 0).equals("moof")) {
            throw new IllegalArgumentException("not a moof");
        }
        int end = (int) boxSize(b, 0, b.length);
        for (int off = header(b, 0); off + 8 <= end; off += (int) boxSize(b, off, end)) {
            if (type(b, off).equals("traf")) {
                Fragment f = traf(b, off + header(b, off), (int) (off + boxSize(b, off, end)), init);
                if (f != null) {
                    return f;
                }
            }
        }
        return null;
    }

    private static Fragment traf(byte[] b, int from, int to, Init init) {
        long defaultDuration = init.defaultDuration();
        int defaultFlags = init.defaultFlags();
        long decodeTime = -1;
        long duration = 0;
        Boolean key = null;
        for (int off = from; off + 8 <= to; off += (int) boxSize(b, off, to)) {
            String type = type(b, off);
            int body = off + header(b, off);
            int end = (int) (off + boxSize(b, off, to));
            need(b, body + 4, end);
            int flags = u32i(b, body) & 0xffffff;
            int p = body + 4;
            if (type.equals("tfhd")) {
                need(b, p + 4, end);
                if (u32i(b, p) != init.videoTrackId()) {
                    return null;
                }
                p += 4;
                p += (flags & 0x01) != 0 ? 8 : 0; // base-data-offset
                p += (flags & 0x02) != 0 ? 4 : 0; // sample-description-index
                if ((flags & 0x08) != 0) {
                    need(b, p + 4, end);
                    defaultDuration = u32(b, p);
                    p += 4;
                }
                p += (flags & 0x10) != 0 ? 4 : 0; // default-sample-size
                if ((flags & 0x20) != 0) {
                    need(b, p + 4, end);
                    defaultFlags = u32i(b, p);
                }
            } else if (type.equals("tfdt")) {
                int v = u8(b, body);
                need(b, p + (v == 1 ? 8 : 4), end);
                decodeTime = v == 1 ? (u32(b, p) << 32) | u32(b, p + 4) : u32(b, p);
            } else if (type.equals("trun")) {
                need(b, p + 4, end);
                long count = u32(b, p);
                p += 4;
                p += (flags & 0x01) != 0 ? 4 : 0; // data-offset
                Integer firstFlags = null;
                if ((flags & 0x04) != 0) {
                    need(b, p + 4, end);
                    firstFlags = u32i(b, p);
                    p += 4;
                }
                int per = Integer.bitCount(flags & 0xf00) * 4;
                if (count > MAX_SAMPLES || per > 0 && count > (end - p) / per) {
                    throw new IllegalArgumentException("trun sample count " + count + " past its box");
                }
                for (long i = 0; i < count; i++) {
                    long d = defaultDuration;
                    int sf = defaultFlags;
                    if ((flags & 0x100) != 0) {
                        d = u32(b, p);
                        p += 4;
                    }
                    p += (flags & 0x200) != 0 ? 4 : 0;
                    if ((flags & 0x400) != 0) {
                        sf = u32i(b, p);
                        p += 4;
                    }
                    p += (flags & 0x800) != 0 ? 4 : 0;
                    if (key == null) {
                        int f = i == 0 && firstFlags != null ? firstFlags : sf;
                        key = ((f >>> 16) & 1) == 0; // sample_is_non_sync_sample clear
                    }
                    duration += d;
                }
            }
        }
        if (decodeTime < 0) {
            throw new IllegalArgumentException("video traf without tfdt");
        }
        double ts = init.timescale();
        return new Fragment(decodeTime / ts, duration / ts, key != null && key);
    }

    // ---- box helpers ----

    static String type(byte[] b, int off) {
        need(b, off + 8, b.length);
        return new String(b, off + 4, 4, StandardCharsets.ISO_8859_1);
    }

    static int header(byte[] b, int off) {
        return u32(b, off) == 1 ? 16 : 8;
    }

    static long boxSize(byte[] b, int off) {
        return boxSize(b, off, b.length);
    }

    /** A box's size (§4.2: 32-bit, 1 = 64-bit largesize follows, 0 = to the end), checked against {@code limit}. */
    static long boxSize(byte[] b, int off, int limit) {
        need(b, off + 8, limit);
        long s = u32(b, off);
        if (s == 1) {
            need(b, off + 16, limit);
            s = (u32(b, off + 8) << 32) | u32(b, off + 12);
        } else if (s == 0) {
            s = limit - off;
        }
        if (s < (u32(b, off) == 1 ? 16 : 8) || off + s > limit) {
            throw new IllegalArgumentException("box size " + s + " at " + off + " outside 0.." + limit);
        }
        return s;
    }

    private static void need(byte[] b, int upTo, int limit) {
        if (upTo > limit || upTo > b.length || upTo < 0) {
            throw new IllegalArgumentException("truncated box");
        }
    }

    static int u8(byte[] b, int off) {
        need(b, off + 1, b.length);
        return b[off] & 0xff;
    }

    static long u32(byte[] b, int off) {
        return u32i(b, off) & 0xffffffffL;
    }

    static int u32i(byte[] b, int off) {
        need(b, off + 4, b.length);
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }
}
