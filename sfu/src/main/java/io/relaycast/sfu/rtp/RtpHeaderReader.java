package io.relaycast.sfu.rtp;

/**
 * A reusable, allocation-free view of one RTP packet's header (RFC 3550 section 5.1):
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                             SSRC                              |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |                    CSRC list (CC x 32 bits)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  profile (0xBEDE...)          |   length in 32-bit words      |  if X (section 5.3.1)
 * |                     extension data ...                        |
 * </pre>
 *
 * {@link #reset} checks everything whose failure would make an offset lie: version, CSRC list, extension block
 * and its RFC 8285 elements, and padding (section 5.1: the last byte counts the padding octets, itself
 * included). It answers with a boolean and keeps the cause in {@link #status()}; it never throws on bad bytes.
 * The accessors are meaningful only after a {@code reset} that returned true.
 *
 * <p>One reader per thread: it holds the position of the packet it last read.
 */
public final class RtpHeaderReader {

    /** Size of the fixed header, before any CSRC. */
    public static final int FIXED_HEADER_LENGTH = 12;
    public static final int VERSION = 2;

    private final RtpExtensionIterator elements = new RtpExtensionIterator();

    private byte[] buf;
    private int off;
    private int len;
    private RtpHeaderStatus status = RtpHeaderStatus.NOT_READ;
    private int headerLength;
    private int paddingLength;
    private RtpExtensionForm extensionForm = RtpExtensionForm.NONE;
    private int extensionProfile;
    private int extensionDataOffset;
    private int extensionDataLength;

    /** Reads the packet in {@code buf[off, off + len)}; true when it is a well-formed RTP packet. */
    public boolean reset(byte[] buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        this.len = len;
        this.headerLength = 0;
        this.paddingLength = 0;
        this.extensionForm = RtpExtensionForm.NONE;
        this.extensionProfile = 0;
        this.extensionDataOffset = 0;
        this.extensionDataLength = 0;
        if (!BigEndian.inBounds(buf, off, len)) {
            return fail(RtpHeaderStatus.OUT_OF_BOUNDS);
        }
        if (len < FIXED_HEADER_LENGTH) {
            return fail(RtpHeaderStatus.TOO_SHORT);
        }
        int first = buf[off] & 0xFF;
        if ((first >>> 6) != VERSION) {
            return fail(RtpHeaderStatus.BAD_VERSION);
        }
        int pos = FIXED_HEADER_LENGTH + 4 * (first & 0x0F);
        if (pos > len) {
            return fail(RtpHeaderStatus.CSRC_PAST_END);
        }
        if ((first & 0x10) != 0) {
            if (len - pos < 4) {
                return fail(RtpHeaderStatus.EXTENSION_HEADER_PAST_END);
            }
            int profile = BigEndian.u16(buf, off + pos);
            int dataLength = 4 * BigEndian.u16(buf, off + pos + 2);
            int dataStart = pos + 4;
            if (dataLength > len - dataStart) {
                return fail(RtpHeaderStatus.EXTENSION_PAST_END);
            }
            RtpExtensionForm form = RtpExtensionForm.ofProfile(profile);
            if (form != RtpExtensionForm.OPAQUE) {
                elements.reset(buf, off + dataStart, off + dataStart + dataLength, form);
                while (elements.next()) {
                    // Walking the block once here is what lets findExtension and the writers trust it later.
                }
                if (elements.isMalformed()) {
                    return fail(RtpHeaderStatus.EXTENSION_ELEMENT_PAST_END);
                }
            }
            extensionForm = form;
            extensionProfile = profile;
            extensionDataOffset = off + dataStart;
            extensionDataLength = dataLength;
            pos = dataStart + dataLength;
        }
        if ((first & 0x20) != 0) {
            int padding = buf[off + len - 1] & 0xFF;
            if (padding == 0) {
                return fail(RtpHeaderStatus.PADDING_ZERO);
            }
            if (padding > len - pos) {
                return fail(RtpHeaderStatus.PADDING_PAST_PAYLOAD);
            }
            paddingLength = padding;
        }
        headerLength = pos;
        status = RtpHeaderStatus.VALID;
        return true;
    }

    private boolean fail(RtpHeaderStatus cause) {
        status = cause;
        return false;
    }

    public RtpHeaderStatus status() {
        return status;
    }

    public boolean isValid() {
        return status == RtpHeaderStatus.VALID;
    }

    public byte[] buffer() {
        return buf;
    }

    /** Offset of the packet's first byte in {@link #buffer()}. */
    public int offset() {
        return off;
    }

    /** Length of the whole packet, padding included. */
    public int length() {
        return len;
    }

    public boolean hasPadding() {
        return (buf[off] & 0x20) != 0;
    }

    public boolean hasExtension() {
        return (buf[off] & 0x10) != 0;
    }

    public int csrcCount() {
        return buf[off] & 0x0F;
    }

    /** The i-th contributing source, unsigned. */
    public long csrc(int index) {
        return BigEndian.u32(buf, off + FIXED_HEADER_LENGTH + 4 * index);
    }

    public boolean marker() {
        return (buf[off + 1] & 0x80) != 0;
    }

    public int payloadType() {
        return buf[off + 1] & 0x7F;
    }

    public int sequenceNumber() {
        return BigEndian.u16(buf, off + 2);
    }

    /** The RTP timestamp, unsigned. */
    public long timestamp() {
        return BigEndian.u32(buf, off + 4);
    }

    /** The synchronisation source, unsigned. */
    public long ssrc() {
        return BigEndian.u32(buf, off + 8);
    }

    /** Bytes from the start of the packet to the start of the payload: fixed header, CSRCs and extension. */
    public int headerLength() {
        return headerLength;
    }

    /** Absolute offset of the payload in {@link #buffer()}. */
    public int payloadOffset() {
        return off + headerLength;
    }

    /** Payload length, padding excluded; zero for a padding-only packet (as used for bandwidth probing). */
    public int payloadLength() {
        return len - headerLength - paddingLength;
    }

    public int paddingLength() {
        return paddingLength;
    }

    public RtpExtensionForm extensionForm() {
        return extensionForm;
    }

    /** The 16-bit "defined by profile" field of the extension header; 0 without an extension. */
    public int extensionProfile() {
        return extensionProfile;
    }

    /** Absolute offset of the extension data, just after the 4-byte extension header. */
    public int extensionDataOffset() {
        return extensionDataOffset;
    }

    /** Length of the extension data in bytes (the header's word count times 4). */
    public int extensionDataLength() {
        return extensionDataLength;
    }

    /**
     * Finds the first RFC 8285 element with this id and returns the absolute offset of its data, or -1 when the
     * packet has no such element (or no addressable extension block at all).
     */
    public int findExtension(int id) {
        if (id <= 0 || extensionForm == RtpExtensionForm.NONE || extensionForm == RtpExtensionForm.OPAQUE) {
            return -1;
        }
        elements.reset(buf, extensionDataOffset, extensionDataOffset + extensionDataLength, extensionForm);
        while (elements.next()) {
            if (elements.id() == id) {
                return elements.dataOffset();
            }
        }
        return -1;
    }

    /**
     * Data length of the element whose data starts at {@code dataOffset} (as returned by {@link #findExtension}),
     * recovered from the element's own header byte so that lookups stay allocation-free.
     */
    public int extensionLength(int dataOffset) {
        if (extensionForm == RtpExtensionForm.ONE_BYTE) {
            return (buf[dataOffset - 1] & 0x0F) + 1;
        }
        if (extensionForm == RtpExtensionForm.TWO_BYTE) {
            return buf[dataOffset - 1] & 0xFF;
        }
        return -1;
    }
}
