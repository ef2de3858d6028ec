package io.relaycast.sfu.rtp;

/**
 * Walks the elements of an RFC 8285 header extension block. Reusable: call {@link #reset} per packet, then
 * {@link #next} until it returns false, and check {@link #isMalformed} to tell the end of the block from a broken
 * element.
 *
 * <p>One-byte form (section 4.2): each element is one byte {@code ID(4) | L(4)} followed by L+1 data bytes. A zero
 * byte is padding and is skipped whole, whatever its length nibble says, since id 0 is reserved for padding. Id 15
 * is reserved: it ends processing of the block, as the RFC requires.
 *
 * <p>Two-byte form (section 4.3): each element is {@code ID(8) | L(8)} followed by L data bytes (L may be 0). A
 * zero id byte is a single padding byte.
 */
public final class RtpExtensionIterator {

    private byte[] buf;
    private RtpExtensionForm form = RtpExtensionForm.NONE;
    private int pos;
    private int end;
    private int id;
    private int dataOffset;
    private int dataLength;
    private boolean malformed;

    /**
     * Starts a walk over {@code buf[start, end)}, the element area that follows the 4-byte extension header.
     * An {@link RtpExtensionForm#OPAQUE} or {@link RtpExtensionForm#NONE} block has no elements.
     */
    public void reset(byte[] buf, int start, int end, RtpExtensionForm form) {
        this.buf = buf;
        this.pos = start;
        this.end = end;
        this.form = form;
        this.malformed = false;
        this.id = 0;
        this.dataOffset = -1;
        this.dataLength = 0;
    }

    /** Starts a walk over the extension block of a header that was read successfully. */
    public void reset(RtpHeaderReader header) {
        reset(header.buffer(), header.extensionDataOffset(),
                header.extensionDataOffset() + header.extensionDataLength(), header.extensionForm());
    }

    /** Moves to the next element; false at the end of the block or on a malformed element. */
    public boolean next() {
        if (form == RtpExtensionForm.ONE_BYTE) {
            return nextOneByte();
        }
        if (form == RtpExtensionForm.TWO_BYTE) {
            return nextTwoByte();
        }
        return false;
    }

    private boolean nextOneByte() {
        while (pos < end) {
            int b = buf[pos] & 0xFF;
            if (b == 0) {
                pos++;
                continue;
            }
            int elementId = b >>> 4;
            if (elementId == 15) {
                pos = end;
                return false;
            }
            int length = (b & 0x0F) + 1;
            if (length > end - pos - 1) {
                return fail();
            }
            id = elementId;
            dataOffset = pos + 1;
            dataLength = length;
            pos = dataOffset + length;
            return true;
        }
        return false;
    }

    private boolean nextTwoByte() {
        while (pos < end) {
            int elementId = buf[pos] & 0xFF;
            if (elementId == 0) {
                pos++;
                continue;
            }
            if (end - pos < 2) {
                return fail();
            }
            int length = buf[pos + 1] & 0xFF;
            if (length > end - pos - 2) {
                return fail();
            }
            id = elementId;
            dataOffset = pos + 2;
            dataLength = length;
            pos = dataOffset + length;
            return true;
        }
        return false;
    }

    private boolean fail() {
        malformed = true;
        pos = end;
        return false;
    }

    /** The id of the current element. */
    public int id() {
        return id;
    }

    /** Absolute offset in the buffer of the current element's data. */
    public int dataOffset() {
        return dataOffset;
    }

    /** Number of data bytes in the current element. */
    public int dataLength() {
        return dataLength;
    }

    /** True when the walk stopped because an element ran past the end of the block. */
    public boolean isMalformed() {
        return malformed;
    }
}
