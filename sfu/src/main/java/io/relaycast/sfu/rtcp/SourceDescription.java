package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Source description, PT 202 (RFC 3550 section 6.5), read for its CNAME items:
 *
 * <pre>
 * |V=2|P|    SC   |  PT=SDES=202  |             length            |
 * |                          SSRC/CSRC_1                          |   chunk 1
 * |                           SDES items                          |
 * |                              ...                              |
 * </pre>
 *
 * Each item is {@code type(8) | length(8) | text}; a zero type byte ends the chunk's item list, and null bytes
 * pad the chunk to the next 32-bit boundary (section 6.5). {@link #reset} walks every chunk once so that a
 * truncated item or a missing terminator makes the whole packet invalid; {@link #nextChunk} then iterates.
 */
public final class SourceDescription extends RtcpPacketReader {

    /** SDES item type of the canonical name (section 6.5.1). */
    public static final int CNAME = 1;
    public static final int MAX_ITEM_LENGTH = 255;

    private int chunkPosition;
    private int chunksLeft;
    private long chunkSsrc;
    private int cnameOffset = -1;
    private int cnameLength;

    @Override
    public boolean reset(byte[] buf, int off, int len) {
        chunksLeft = 0;
        cnameOffset = -1;
        cnameLength = 0;
        if (!readHeader(buf, off, len, RtcpPacketType.SOURCE_DESCRIPTION, RtcpHeader.LENGTH)) {
            return false;
        }
        int position = off + RtcpHeader.LENGTH;
        int chunks = RtcpHeader.count(buf, off);
        for (int i = 0; i < chunks; i++) {
            position = walkChunk(position, false);
            if (position < 0) {
                return false;
            }
        }
        chunkPosition = off + RtcpHeader.LENGTH;
        chunksLeft = chunks;
        valid = true;
        return true;
    }

    /** Moves to the next chunk; false when all chunks have been visited. */
    public boolean nextChunk() {
        if (!valid || chunksLeft == 0) {
            return false;
        }
        chunkPosition = walkChunk(chunkPosition, true);
        chunksLeft--;
        return true;
    }

    /** Returns the offset just past the chunk at {@code position}, or -1 when the chunk is malformed. */
    private int walkChunk(int position, boolean record) {
        int end = off + contentLength;
        if (end - position < 4) {
            return -1;
        }
        if (record) {
            chunkSsrc = BigEndian.u32(buf, position);
            cnameOffset = -1;
            cnameLength = 0;
        }
        int at = position + 4;
        while (at < end) {
            int type = buf[at] & 0xFF;
            if (type == 0) {
                int next = off + RtcpHeader.align4(at + 1 - off);
                return next <= end ? next : -1;
            }
            if (end - at < 2) {
                return -1;
            }
            int length = buf[at + 1] & 0xFF;
            if (length > end - at - 2) {
                return -1;
            }
            if (record && type == CNAME && cnameOffset < 0) {
                cnameOffset = at + 2;
                cnameLength = length;
            }
            at += 2 + length;
        }
        return -1;
    }

    public int chunkCount() {
        return count();
    }

    /** SSRC of the current chunk. */
    public long chunkSsrc() {
        return chunkSsrc;
    }

    /** Absolute offset of the current chunk's CNAME text, or -1 when the chunk has none. */
    public int cnameOffset() {
        return cnameOffset;
    }

    public int cnameLength() {
        return cnameLength;
    }

    /** The current chunk's CNAME decoded as UTF-8, or null. Allocates: for signalling-rate use, not per packet. */
    public String cname() {
        return cnameOffset < 0 ? null : new String(buf, cnameOffset, cnameLength, StandardCharsets.UTF_8);
    }

    /**
     * Writes an SDES packet with one chunk holding one CNAME item.
     *
     * @return the bytes written, or -1 when they do not fit or the name is longer than 255 bytes
     */
    public static int writeCname(byte[] buf, int off, long ssrc, byte[] cname, int cnameOff, int cnameLength) {
        if (cnameLength < 0 || cnameLength > MAX_ITEM_LENGTH || !BigEndian.inBounds(cname, cnameOff, cnameLength)) {
            return -1;
        }
        // SSRC, item header, text, then at least one null octet ending the item list.
        int chunkLength = RtcpHeader.align4(4 + 2 + cnameLength + 1);
        int length = RtcpHeader.LENGTH + chunkLength;
        if (!fits(buf, off, length)) {
            return -1;
        }
        RtcpHeader.write(buf, off, 1, RtcpPacketType.SOURCE_DESCRIPTION, length);
        BigEndian.put32(buf, off + 4, ssrc);
        buf[off + 8] = (byte) CNAME;
        buf[off + 9] = (byte) cnameLength;
        System.arraycopy(cname, cnameOff, buf, off + 10, cnameLength);
        Arrays.fill(buf, off + 10 + cnameLength, off + length, (byte) 0);
        return length;
    }
}
