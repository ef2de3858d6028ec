package io.relaycast.sfu.rtcp;

import io.relaycast.sfu.rtp.BigEndian;

/**
 * Walks the packets of a compound RTCP datagram (RFC 3550 section 6.1): packets are stacked back to back, each
 * sized by its own length field. Reusable; allocation-free.
 *
 * <pre>
 *   iterator.reset(buf, off, len);
 *   while (iterator.next()) { switch (iterator.packetType()) { ... } }
 *   if (iterator.isMalformed()) { count the drop }
 * </pre>
 *
 * A packet whose version is not 2 or whose length runs past the datagram ends the walk and marks the datagram
 * malformed: nothing after it can be located. The packets before it were well framed and have been handed out.
 * The stricter RFC 3550 appendix A.2 rules (first packet an SR or RR, padding only on the last) are not
 * enforced, because reduced-size RTCP (RFC 5506), which browsers send for feedback, breaks the first of them.
 */
public final class RtcpCompoundIterator {

    private byte[] buf;
    private int pos;
    private int end;
    private int packetOffset = -1;
    private int packetLength;
    private boolean malformed;

    /** Starts a walk over {@code buf[off, off + len)}; false (and malformed) when that region is not in the buffer. */
    public boolean reset(byte[] buf, int off, int len) {
        this.buf = buf;
        this.packetOffset = -1;
        this.packetLength = 0;
        if (!BigEndian.inBounds(buf, off, len)) {
            this.pos = 0;
            this.end = 0;
            this.malformed = true;
            return false;
        }
        this.pos = off;
        this.end = off + len;
        this.malformed = false;
        return true;
    }

    /** Moves to the next packet; false at the end of the datagram or at the first malformed packet. */
    public boolean next() {
        if (pos >= end) {
            return false;
        }
        if (end - pos < RtcpHeader.LENGTH || RtcpHeader.version(buf, pos) != RtcpHeader.VERSION) {
            return fail();
        }
        int length = RtcpHeader.packetLength(buf, pos);
        if (length > end - pos) {
            return fail();
        }
        packetOffset = pos;
        packetLength = length;
        pos += length;
        return true;
    }

    private boolean fail() {
        malformed = true;
        packetOffset = -1;
        packetLength = 0;
        pos = end;
        return false;
    }

    public boolean isMalformed() {
        return malformed;
    }

    public byte[] buffer() {
        return buf;
    }

    /** Absolute offset of the current packet. */
    public int packetOffset() {
        return packetOffset;
    }

    /** Length in bytes of the current packet, from its length field. */
    public int packetLength() {
        return packetLength;
    }

    public int packetType() {
        return RtcpHeader.packetType(buf, packetOffset);
    }

    /** Report/source count, or FMT for feedback messages. */
    public int count() {
        return RtcpHeader.count(buf, packetOffset);
    }

    /** True when the datagram holds at least one packet and every packet is well framed. Allocation-free. */
    public static boolean isWellFramed(byte[] buf, int off, int len) {
        if (!BigEndian.inBounds(buf, off, len) || len == 0) {
            return false;
        }
        int at = off;
        int stop = off + len;
        while (at < stop) {
            if (stop - at < RtcpHeader.LENGTH || RtcpHeader.version(buf, at) != RtcpHeader.VERSION) {
                return false;
            }
            int length = RtcpHeader.packetLength(buf, at);
            if (length > stop - at) {
                return false;
            }
            at += length;
        }
        return true;
    }
}
