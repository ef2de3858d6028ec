package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;

/**
 * Common ground of the typed RTCP readers: bounds, version, packet type, the length field and padding
 * (RFC 3550 section 6.4.1: with P set, the last byte counts the padding octets, itself included).
 *
 * <p>A reader is given the packet's offset and the number of bytes available from there (the rest of a compound
 * datagram will do); the packet's own length field decides where it ends, and a length past the available bytes
 * makes the packet invalid. Accessors are meaningful only after a {@code reset} that returned true.
 */
public abstract class RtcpPacketReader {

    protected byte[] buf;
    protected int off;
    /** Bytes in the packet according to its length field, padding included. */
    protected int packetLength;
    /** Bytes in the packet before its padding. */
    protected int contentLength;
    protected boolean valid;

    /** Reads the packet at {@code buf[off]}, with {@code len} bytes available; true when it is valid. */
    public abstract boolean reset(byte[] buf, int off, int len);

    /**
     * Checks the common header and records the packet's extent.
     *
     * @param packetType the required PT
     * @param minLength the smallest content length this packet type allows, header included
     */
    protected final boolean readHeader(byte[] buf, int off, int len, int packetType, int minLength) {
        this.buf = buf;
        this.off = off;
        this.packetLength = 0;
        this.contentLength = 0;
        this.valid = false;
        if (!BigEndian.inBounds(buf, off, len) || len < RtcpHeader.LENGTH) {
            return false;
        }
        if (RtcpHeader.version(buf, off) != RtcpHeader.VERSION || RtcpHeader.packetType(buf, off) != packetType) {
            return false;
        }
        int length = RtcpHeader.packetLength(buf, off);
        if (length > len) {
            return false;
        }
        int content = length;
        if (RtcpHeader.hasPadding(buf, off)) {
            int padding = buf[off + length - 1] & 0xFF;
            if (padding == 0 || padding > length - RtcpHeader.LENGTH) {
                return false;
            }
            content -= padding;
        }
        if (content < minLength) {
            return false;
        }
        this.packetLength = length;
        this.contentLength = content;
        return true;
    }

    /** Writers check the room they need with this before touching the buffer. */
    protected static boolean fits(byte[] buf, int off, int length) {
        return BigEndian.inBounds(buf, off, length);
    }

    public boolean isValid() {
        return valid;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    /** The packet's size from its length field, padding included. */
    public int packetLength() {
        return packetLength;
    }

    /** The 5-bit count field: report or source count, or FMT for feedback. */
    public int count() {
        return RtcpHeader.count(buf, off);
    }
}
