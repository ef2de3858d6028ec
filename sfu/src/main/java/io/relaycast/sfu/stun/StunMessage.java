package io.relaycast.sfu.stun;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A reusable, allocation-free reader of one STUN message (RFC 5389 section 6):
 *
 * <pre>
 * |0 0|     STUN Message Type     |         Message Length        |
 * |                   Magic Cookie = 0x2112A442                   |
 * |                     Transaction ID (96 bits)                  |
 * |                 attributes: Type(16) Length(16) Value, padded to 4 bytes
 * </pre>
 *
 * {@link #reset} checks the header (leading zero bits, magic cookie, a length that is a multiple of 4 and lies
 * within the datagram) and walks every attribute (section 15) so that none runs past the message, noting USERNAME,
 * MESSAGE-INTEGRITY and FINGERPRINT on the way. Attributes after MESSAGE-INTEGRITY other than FINGERPRINT are
 * ignored, as section 15.4 requires; anything after FINGERPRINT makes the message invalid (section 15.5).
 * Bad input is reported through the return value and {@link #status()}, never by an exception. Accessors are
 * meaningful only after a {@code reset} that returned true.
 *
 * <p>One reader per thread: it keeps the position of the message it last read and a CRC-32 for FINGERPRINT.
 */
public final class StunMessage {

    public static final int HEADER_LENGTH = 20;
    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int TRANSACTION_ID_LENGTH = 12;
    public static final int TRANSACTION_ID_OFFSET = 8;
    /** The Binding method (RFC 5389 section 18.1), the only one ICE uses. */
    public static final int BINDING = 0x001;
    /** FINGERPRINT is the CRC-32 of the message xor'ed with this (section 15.5). */
    public static final int FINGERPRINT_XOR = 0x5354554E;
    public static final int INTEGRITY_LENGTH = 20;
    public static final int FINGERPRINT_LENGTH = 4;

    private final CRC32 crc = new CRC32();

    private byte[] buf;
    private int off;
    private int messageLength;
    private StunStatus status = StunStatus.NOT_READ;
    private int usernameOffset = -1;
    private int usernameLength;
    private int colonOffset = -1;
    private int integrityOffset = -1;
    private int fingerprintOffset = -1;

    /** Reads the message in {@code buf[off, off + len)}; true when it is a well-formed STUN message. */
    public boolean reset(byte[] buf, int off, int len) {
        this.buf = buf;
        this.off = off;
        this.messageLength = 0;
        this.usernameOffset = -1;
        this.usernameLength = 0;
        this.colonOffset = -1;
        this.integrityOffset = -1;
        this.fingerprintOffset = -1;
        if (buf == null || off < 0 || len < 0 || len > buf.length - off) {
            return fail(StunStatus.OUT_OF_BOUNDS);
        }
        if (len < HEADER_LENGTH) {
            return fail(StunStatus.TOO_SHORT);
        }
        if ((buf[off] & 0xC0) != 0) {
            return fail(StunStatus.NOT_STUN);
        }
        if (u32(buf, off + 4) != MAGIC_COOKIE) {
            return fail(StunStatus.BAD_MAGIC_COOKIE);
        }
        int length = u16(buf, off + 2);
        if ((length & 3) != 0) {
            return fail(StunStatus.UNALIGNED_LENGTH);
        }
        if (length > len - HEADER_LENGTH) {
            return fail(StunStatus.LENGTH_PAST_END);
        }
        int position = off + HEADER_LENGTH;
        int end = position + length;
        while (position < end) {
            if (end - position < 4) {
                return fail(StunStatus.ATTRIBUTE_PAST_END);
            }
            int type = u16(buf, position);
            int valueLength = u16(buf, position + 2);
            if (align4(valueLength) > end - position - 4) {
                return fail(StunStatus.ATTRIBUTE_PAST_END);
            }
            if (fingerprintOffset >= 0) {
                return fail(StunStatus.FINGERPRINT_NOT_LAST);
            }
            if (type == StunAttributeType.FINGERPRINT) {
                if (valueLength != FINGERPRINT_LENGTH) {
                    return fail(StunStatus.BAD_FINGERPRINT_LENGTH);
                }
                fingerprintOffset = position;
            } else if (integrityOffset < 0) {
                if (type == StunAttributeType.MESSAGE_INTEGRITY) {
                    if (valueLength != INTEGRITY_LENGTH) {
                        return fail(StunStatus.BAD_INTEGRITY_LENGTH);
                    }
                    integrityOffset = position;
                } else if (type == StunAttributeType.USERNAME && usernameOffset < 0) {
                    usernameOffset = position + 4;
                    usernameLength = valueLength;
                }
            }
            position += 4 + align4(valueLength);
        }
        if (usernameOffset >= 0) {
            colonOffset = indexOf(buf, usernameOffset, usernameOffset + usernameLength, (byte) ':');
        }
        messageLength = length;
        status = StunStatus.VALID;
        return true;
    }

    private boolean fail(StunStatus cause) {
        status = cause;
        return false;
    }

    public StunStatus status() {
        return status;
    }

    public boolean isValid() {
        return status == StunStatus.VALID;
    }

    public byte[] buffer() {
        return buf;
    }

    public int offset() {
        return off;
    }

    /** The header's message length: bytes of attributes after the 20-byte header. */
    public int messageLength() {
        return messageLength;
    }

    /** The 14-bit message type: method and class interleaved. */
    public int messageType() {
        return u16(buf, off) & 0x3FFF;
    }

    /** The class, from bits C1 (type bit 8) and C0 (type bit 4) (RFC 5389 section 6, figure 3). */
    public StunMessageClass messageClass() {
        int type = messageType();
        return StunMessageClass.ofBits(((type >>> 7) & 0x2) | ((type >>> 4) & 0x1));
    }

    /** The 12-bit method, with the class bits squeezed out (M0-M3, M4-M6, M7-M11). */
    public int method() {
        int type = messageType();
        return (type & 0x000F) | ((type & 0x00E0) >>> 1) | ((type & 0x3E00) >>> 2);
    }

    /** Absolute offset of the 12-byte transaction id. */
    public int transactionIdOffset() {
        return off + TRANSACTION_ID_OFFSET;
    }

    public boolean transactionIdEquals(byte[] id, int idOff) {
        int start = off + TRANSACTION_ID_OFFSET;
        return idOff >= 0 && idOff <= id.length - TRANSACTION_ID_LENGTH
                && Arrays.equals(buf, start, start + TRANSACTION_ID_LENGTH, id, idOff, idOff + TRANSACTION_ID_LENGTH);
    }

    public void copyTransactionId(byte[] dst, int dstOff) {
        System.arraycopy(buf, off + TRANSACTION_ID_OFFSET, dst, dstOff, TRANSACTION_ID_LENGTH);
    }

    /**
     * Absolute offset of the value of the first attribute of this type, or -1. Attributes after
     * MESSAGE-INTEGRITY are not found, except FINGERPRINT.
     */
    public int findAttribute(int type) {
        int position = off + HEADER_LENGTH;
        int end = position + messageLength;
        while (position < end) {
            if (u16(buf, position) == type) {
                return position + 4;
            }
            if (position == integrityOffset) {
                return type == StunAttributeType.FINGERPRINT && fingerprintOffset >= 0 ? fingerprintOffset + 4 : -1;
            }
            position += 4 + align4(u16(buf, position + 2));
        }
        return -1;
    }

    /** Value length (before padding) of the attribute whose value starts at {@code valueOffset}. */
    public int attributeLength(int valueOffset) {
        return u16(buf, valueOffset - 2);
    }

    public boolean hasUsername() {
        return usernameOffset >= 0;
    }

    /** Absolute offset of the USERNAME value, or -1. */
    public int usernameOffset() {
        return usernameOffset;
    }

    public int usernameLength() {
        return usernameLength;
    }

    /**
     * True when USERNAME has the ICE form {@code local:remote}. RFC 8445 section 7.2.2: the sender of a check puts
     * the receiver's ufrag first, so in a request we receive the part before the colon is our own ufrag.
     */
    public boolean hasIceUsername() {
        return colonOffset >= 0;
    }

    /** Absolute offset of our (local) ufrag in USERNAME; see {@link #hasIceUsername()}. */
    public int localUfragOffset() {
        return colonOffset >= 0 ? usernameOffset : -1;
    }

    /** Length of our (local) ufrag, or -1 without an ICE username. */
    public int localUfragLength() {
        return colonOffset >= 0 ? colonOffset - usernameOffset : -1;
    }

    /** Absolute offset of the peer's (remote) ufrag in USERNAME, or -1. */
    public int remoteUfragOffset() {
        return colonOffset >= 0 ? colonOffset + 1 : -1;
    }

    /** Length of the peer's (remote) ufrag, or -1 without an ICE username. */
    public int remoteUfragLength() {
        return colonOffset >= 0 ? usernameOffset + usernameLength - colonOffset - 1 : -1;
    }

    /** True when the local ufrag is exactly {@code ufrag} (as ASCII bytes); allocation-free. */
    public boolean localUfragEquals(byte[] ufrag) {
        return colonOffset >= 0 && Arrays.equals(buf, usernameOffset, colonOffset, ufrag, 0, ufrag.length);
    }

    /** The local ufrag as a string, or null. Allocates: for looking up a session, not for every packet. */
    public String localUfrag() {
        return colonOffset >= 0
                ? new String(buf, usernameOffset, colonOffset - usernameOffset, StandardCharsets.UTF_8) : null;
    }

    /** The remote ufrag as a string, or null. Allocates. */
    public String remoteUfrag() {
        return colonOffset >= 0 ? new String(buf, colonOffset + 1, remoteUfragLength(), StandardCharsets.UTF_8) : null;
    }

    public boolean hasMessageIntegrity() {
        return integrityOffset >= 0;
    }

    /** Absolute offset of the MESSAGE-INTEGRITY attribute's header (not its value), or -1. */
    public int messageIntegrityOffset() {
        return integrityOffset;
    }

    public boolean hasFingerprint() {
        return fingerprintOffset >= 0;
    }

    /** Absolute offset of the FINGERPRINT attribute's header, or -1. */
    public int fingerprintOffset() {
        return fingerprintOffset;
    }

    /**
     * Checks FINGERPRINT (RFC 5389 section 15.5): the CRC-32 of the message up to the attribute, xor 0x5354554E.
     * Since FINGERPRINT is last, the header's length already covers it, as the computation requires.
     *
     * @return false when there is no FINGERPRINT or it does not match
     */
    public boolean verifyFingerprint() {
        if (!isValid() || fingerprintOffset < 0) {
            return false;
        }
        crc.reset();
        crc.update(buf, off, fingerprintOffset - off);
        int expected = (int) crc.getValue() ^ FINGERPRINT_XOR;
        return expected == (int) u32(buf, fingerprintOffset + 4);
    }

    static int u16(byte[] buf, int at) {
        return ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
    }

    static long u32(byte[] buf, int at) {
        return (((long) (buf[at] & 0xFF)) << 24) | ((buf[at + 1] & 0xFF) << 16)
                | ((buf[at + 2] & 0xFF) << 8) | (buf[at + 3] & 0xFF);
    }

    private static int align4(int length) {
        return (length + 3) & ~3;
    }

    private static int indexOf(byte[] buf, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (buf[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
