package io.relaycast.sfu.rtp;

/**
 * Keeps the VP8 payload descriptor's PictureID and TL0PICIDX (RFC 7741 section 4.2) continuous for one viewer
 * across simulcast layer switches, in place.
 *
 * <p>Each simulcast layer is its own encoder with its own PictureID and TL0PICIDX sequences. The receiver finds a
 * VP8 frame's references by them (libwebrtc's VP8 reference finder: the previous PictureID, or the base layer
 * frame of the TL0PICIDX), so after a switch the new layer's numbers, unrelated to the old layer's, make it drop
 * frames as old or, worse, tie the new layer's delta frames to the old layer's frames: measured in the browser
 * test, a viewer switched up went on decoding 640x360 pictures from 1280x720 delta frames for a minute, never
 * asking for a keyframe. So on a switch (always on a keyframe, which references nothing) the new layer's numbers
 * are shifted to continue right after the last ones the viewer got, and stay shifted until the next switch (as
 * mediasoup's and Janus's VP8 simulcast forwarding do).
 *
 * <p>The 7-bit PictureID form is rewritten within 7 bits. KEYIDX is left alone (the reference finder does not use
 * it). Not thread-safe, allocation-free: under the viewer's monitor on its packet path.
 */
public final class Vp8DescriptorRewriter {

    private static final int PICTURE_ID_MASK = 0x7FFF;

    private int pictureIdOffset;
    private int tl0Offset;
    /** The latest PictureID / TL0PICIDX the viewer got (15 / 8 bits); -1 before any. */
    private int lastPictureId = -1;
    private int lastTl0 = -1;

    // the descriptor's fields, as parse() found them
    private int pictureIdAt;
    private boolean longPictureId;
    private int tl0At;

    /**
     * The first packet of a new layer (its keyframe): from it on, numbers continue after the last ones sent.
     * Call before {@link #rewrite} of the same packet.
     */
    public void restart(byte[] buf, int off, int len) {
        if (!parse(buf, off, len)) {
            return;
        }
        if (pictureIdAt >= 0 && lastPictureId >= 0) {
            pictureIdOffset = (lastPictureId + 1 - readPictureId(buf)) & PICTURE_ID_MASK;
        } else {
            pictureIdOffset = 0;
        }
        if (tl0At >= 0 && lastTl0 >= 0) {
            tl0Offset = (lastTl0 + 1 - (buf[tl0At] & 0xFF)) & 0xFF;
        } else {
            tl0Offset = 0;
        }
    }

    /**
     * Shifts this packet's PictureID and TL0PICIDX; {@code sent}: it is a packet the viewer gets for the first time
     * (not a retransmission), whose numbers the next switch continues from.
     */
    public void rewrite(byte[] buf, int off, int len, boolean sent) {
        if (!parse(buf, off, len)) {
            return;
        }
        if (pictureIdAt >= 0) {
            int id = (readPictureId(buf) + pictureIdOffset) & PICTURE_ID_MASK;
            if (longPictureId) {
                buf[pictureIdAt] = (byte) (0x80 | id >>> 8);
                buf[pictureIdAt + 1] = (byte) id;
            } else {
                id &= 0x7F;
                buf[pictureIdAt] = (byte) id;
            }
            if (sent && (lastPictureId < 0 || ((id - lastPictureId) & PICTURE_ID_MASK) < 0x4000)) {
                lastPictureId = id; // newest so far (serial number arithmetic, RFC 1982)
            }
        }
        if (tl0At >= 0) {
            int tl0 = ((buf[tl0At] & 0xFF) + tl0Offset) & 0xFF;
            buf[tl0At] = (byte) tl0;
            if (sent && (lastTl0 < 0 || ((tl0 - lastTl0) & 0xFF) < 0x80)) {
                lastTl0 = tl0;
            }
        }
    }

    private int readPictureId(byte[] buf) {
        return longPictureId ? ((buf[pictureIdAt] & 0x7F) << 8) | (buf[pictureIdAt + 1] & 0xFF)
                : buf[pictureIdAt] & 0x7F;
    }

    /** RFC 7741 section 4.2: X R N S R PID, then I L T K, then PictureID (M: 15 bits), then TL0PICIDX. */
    private boolean parse(byte[] buf, int off, int len) {
        pictureIdAt = -1;
        tl0At = -1;
        if (len < 1 || (buf[off] & 0x80) == 0) {
            return false; // no extensions: nothing to rewrite
        }
        if (len < 2) {
            return false;
        }
        int x = buf[off + 1] & 0xFF;
        int at = off + 2;
        int end = off + len;
        if ((x & 0x80) != 0) {
            if (at >= end) {
                return false;
            }
            longPictureId = (buf[at] & 0x80) != 0;
            if (longPictureId && at + 1 >= end) {
                return false;
            }
            pictureIdAt = at;
            at += longPictureId ? 2 : 1;
        }
        if ((x & 0x40) != 0) {
            if (at >= end) {
                pictureIdAt = -1;
                return false;
            }
            tl0At = at;
        }
        return true;
    }
}
