package io.relaycast.sfu.rtp;

import java.util.Arrays;

/**
 * In-place edits of an RTP header (RFC 3550 section 5.1), for the per-viewer rewrite just before SRTP
 * encryption, plus a writer for a bare fixed header. The setters take the packet's offset and touch only their
 * own field; the caller has already validated the packet with {@link RtpHeaderReader}.
 */
public final class RtpHeaderWriter {

    private RtpHeaderWriter() {
    }

    /**
     * Writes a 12-byte fixed header (version 2, no padding, no extension, no CSRC) at {@code off}.
     *
     * @return 12, or -1 when the buffer has no room
     */
    public static int writeFixedHeader(byte[] buf, int off, boolean marker, int payloadType, int sequenceNumber,
                                       long timestamp, long ssrc) {
        if (!BigEndian.inBounds(buf, off, RtpHeaderReader.FIXED_HEADER_LENGTH)) {
            return -1;
        }
        buf[off] = (byte) (RtpHeaderReader.VERSION << 6);
        buf[off + 1] = (byte) ((marker ? 0x80 : 0) | (payloadType & 0x7F));
        BigEndian.put16(buf, off + 2, sequenceNumber);
        BigEndian.put32(buf, off + 4, timestamp);
        BigEndian.put32(buf, off + 8, ssrc);
        return RtpHeaderReader.FIXED_HEADER_LENGTH;
    }

    public static void setSequenceNumber(byte[] buf, int off, int sequenceNumber) {
        BigEndian.put16(buf, off + 2, sequenceNumber);
    }

    public static void setTimestamp(byte[] buf, int off, long timestamp) {
        BigEndian.put32(buf, off + 4, timestamp);
    }

    public static void setSsrc(byte[] buf, int off, long ssrc) {
        BigEndian.put32(buf, off + 8, ssrc);
    }

    /** Sets the 7-bit payload type and keeps the marker bit that shares its byte. */
    public static void setPayloadType(byte[] buf, int off, int payloadType) {
        buf[off + 1] = (byte) ((buf[off + 1] & 0x80) | (payloadType & 0x7F));
    }

    public static void setMarker(byte[] buf, int off, boolean marker) {
        buf[off + 1] = (byte) (marker ? buf[off + 1] | 0x80 : buf[off + 1] & 0x7F);
    }

    /**
     * Renumbers the first RFC 8285 element with id {@code oldId} to {@code newId}: publisher and viewer negotiate
     * extension ids separately (RFC 8285 section 5), so the same extension may carry a different id per viewer.
     *
     * @return false when there is no such element, or {@code newId} cannot be expressed in the packet's form
     *     (1-14 for one-byte elements, 1-255 for two-byte elements)
     */
    public static boolean rewriteExtensionId(RtpHeaderReader header, int oldId, int newId) {
        int dataOffset = header.findExtension(oldId);
        if (dataOffset < 0 || !idFits(header.extensionForm(), newId)) {
            return false;
        }
        setElementId(header.buffer(), header.extensionForm(), dataOffset, newId);
        return true;
    }

    /**
     * Renumbers every RFC 8285 element at once through {@code newIdByOldId} (index: old id, value: new id as an
     * unsigned byte). Doing it in one pass is what makes swaps such as 3 -> 5 and 5 -> 3 safe. An element whose
     * id maps to 0, lies outside the table or maps to an id its form cannot carry is erased: its bytes become
     * zero, which RFC 8285 reads as padding, so the viewer never sees an extension it did not negotiate.
     *
     * @return the number of elements kept
     */
    public static int remapExtensionIds(RtpHeaderReader header, byte[] newIdByOldId, RtpExtensionIterator scratch) {
        RtpExtensionForm form = header.extensionForm();
        if (form != RtpExtensionForm.ONE_BYTE && form != RtpExtensionForm.TWO_BYTE) {
            return 0;
        }
        byte[] buf = header.buffer();
        int kept = 0;
        scratch.reset(header);
        while (scratch.next()) {
            int oldId = scratch.id();
            int newId = oldId < newIdByOldId.length ? newIdByOldId[oldId] & 0xFF : 0;
            if (idFits(form, newId)) {
                setElementId(buf, form, scratch.dataOffset(), newId);
                kept++;
            } else {
                int headerBytes = form == RtpExtensionForm.ONE_BYTE ? 1 : 2;
                int from = scratch.dataOffset() - headerBytes;
                Arrays.fill(buf, from, scratch.dataOffset() + scratch.dataLength(), (byte) 0);
            }
        }
        return kept;
    }

    private static boolean idFits(RtpExtensionForm form, int id) {
        if (form == RtpExtensionForm.ONE_BYTE) {
            return id >= 1 && id <= 14;
        }
        return form == RtpExtensionForm.TWO_BYTE && id >= 1 && id <= 255;
    }

    private static void setElementId(byte[] buf, RtpExtensionForm form, int dataOffset, int newId) {
        if (form == RtpExtensionForm.ONE_BYTE) {
            int at = dataOffset - 1;
            buf[at] = (byte) ((newId << 4) | (buf[at] & 0x0F));
        } else {
            buf[dataOffset - 2] = (byte) newId;
        }
    }
}
