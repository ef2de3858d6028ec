package io.relaycast.sfu.stun;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes the two ICE messages we originate ourselves on ICE-TCP (the UDP port's are ice4j's): a Binding success
 * response and a Binding request, each closed with MESSAGE-INTEGRITY (RFC 8489 section 14.5, short-term
 * credentials, section 9.1) and FINGERPRINT (section 14.7), into a caller's array.
 *
 * <p>One instance per key and thread: it owns a keyed {@link Mac} and a CRC, built once. Writing allocates nothing.
 */
public final class StunMessageWriter {

    /** Binding success response: method 0x001, class 0b10 (RFC 8489 section 5). */
    public static final int BINDING_SUCCESS = 0x0101;
    /** Binding request. */
    public static final int BINDING_REQUEST = 0x0001;

    /** Header, XOR-MAPPED-ADDRESS (IPv6), MESSAGE-INTEGRITY, FINGERPRINT; requests are bounded by the username. */
    public static final int MAX_RESPONSE_LENGTH = 20 + 24 + 24 + 8;

    private final Mac mac;
    private final CRC32 crc = new CRC32();

    /** @param password the short-term password whose bytes key MESSAGE-INTEGRITY (an ICE password is ASCII) */
    public StunMessageWriter(String password) {
        try {
            mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /**
     * A Binding success response to the request in {@code request[reqOff...]} (RFC 8445 section 7.3.1: same
     * transaction ID, XOR-MAPPED-ADDRESS = the source of the request, RFC 8489 section 14.2).
     *
     * @param mappedAddress the request's source address as raw bytes (4 or 16)
     * @param mappedPort    and its port
     * @return the message length
     */
    public int bindingSuccess(byte[] out, int off, byte[] request, int reqOff, byte[] mappedAddress, int mappedPort) {
        header(out, off, BINDING_SUCCESS);
        System.arraycopy(request, reqOff + StunMessage.TRANSACTION_ID_OFFSET, out, off + 8, 12);
        int p = off + StunMessage.HEADER_LENGTH;
        p = xorMappedAddress(out, off, p, mappedAddress, mappedPort);
        return finish(out, off, p);
    }

    /**
     * A Binding request for an ICE check (RFC 8445 section 7.2.2): USERNAME {@code peer:ours}, PRIORITY, the role
     * attribute with our tie-breaker (section 7.1.3), USE-CANDIDATE when nominating (section 8.1.1).
     *
     * @param transactionId 12 bytes
     * @param username      the USERNAME value as ASCII bytes
     * @return the message length; the array needs room for 20 + 8 + username + 8 + 12 + 4 + 24 + 8 octets
     */
    public int bindingRequest(byte[] out, int off, byte[] transactionId, byte[] username, long priority,
                              boolean controlling, long tieBreaker, boolean useCandidate) {
        header(out, off, BINDING_REQUEST);
        System.arraycopy(transactionId, 0, out, off + 8, 12);
        int p = off + StunMessage.HEADER_LENGTH;
        p = attributeHeader(out, p, StunAttributeType.USERNAME, username.length);
        System.arraycopy(username, 0, out, p, username.length);
        p += username.length;
        while ((p - off) % 4 != 0) {
            out[p++] = 0;
        }
        p = attributeHeader(out, p, StunAttributeType.PRIORITY, 4);
        p = u32(out, p, priority);
        p = attributeHeader(out, p, controlling ? StunAttributeType.ICE_CONTROLLING : StunAttributeType.ICE_CONTROLLED, 8);
        p = u32(out, p, tieBreaker >>> 32);
        p = u32(out, p, tieBreaker);
        if (useCandidate) {
            p = attributeHeader(out, p, StunAttributeType.USE_CANDIDATE, 0);
        }
        return finish(out, off, p);
    }

    /** Room a request with this username needs. */
    public static int requestLength(int usernameLength) {
        return 20 + 4 + ((usernameLength + 3) & ~3) + 8 + 12 + 4 + 24 + 8;
    }

    /** Raw address bytes of a socket address (allocates: once per connection, not per message). */
    public static byte[] addressBytes(InetSocketAddress a) {
        return a.getAddress().getAddress();
    }

    private static void header(byte[] out, int off, int type) {
        out[off] = (byte) (type >>> 8);
        out[off + 1] = (byte) type;
        out[off + 2] = 0;
        out[off + 3] = 0;
        u32(out, off + 4, StunMessage.MAGIC_COOKIE);
    }

    private static int xorMappedAddress(byte[] out, int off, int p, byte[] address, int port) {
        boolean v4 = address.length == 4;
        p = attributeHeader(out, p, StunAttributeType.XOR_MAPPED_ADDRESS, v4 ? 8 : 20);
        out[p] = 0;
        out[p + 1] = (byte) (v4 ? 0x01 : 0x02);
        int xport = port ^ (StunMessage.MAGIC_COOKIE >>> 16);
        out[p + 2] = (byte) (xport >>> 8);
        out[p + 3] = (byte) xport;
        p += 4;
        // RFC 8489 section 14.2: xor with the magic cookie, then (IPv6) the transaction ID
        for (int i = 0; i < address.length; i++) {
            out[p + i] = (byte) (address[i] ^ out[off + 4 + i]);
        }
        return p + address.length;
    }

    private static int attributeHeader(byte[] out, int p, int type, int length) {
        out[p] = (byte) (type >>> 8);
        out[p + 1] = (byte) type;
        out[p + 2] = (byte) (length >>> 8);
        out[p + 3] = (byte) length;
        return p + 4;
    }

    private static int u32(byte[] out, int p, long v) {
        out[p] = (byte) (v >>> 24);
        out[p + 1] = (byte) (v >>> 16);
        out[p + 2] = (byte) (v >>> 8);
        out[p + 3] = (byte) v;
        return p + 4;
    }

    /** MESSAGE-INTEGRITY over everything before it, with the length covering it; then FINGERPRINT over all. */
    private int finish(byte[] out, int off, int p) {
        setLength(out, off, p + 24 - (off + StunMessage.HEADER_LENGTH));
        int mi = attributeHeader(out, p, StunAttributeType.MESSAGE_INTEGRITY, StunMessage.INTEGRITY_LENGTH);
        mac.update(out, off, p - off);
        try {
            mac.doFinal(out, mi);
        } catch (ShortBufferException e) {
            throw new IllegalArgumentException("no room for MESSAGE-INTEGRITY", e); // a caller's sizing bug
        }
        p = mi + StunMessage.INTEGRITY_LENGTH;
        setLength(out, off, p + 8 - (off + StunMessage.HEADER_LENGTH));
        crc.reset();
        crc.update(out, off, p - off);
        int fp = attributeHeader(out, p, StunAttributeType.FINGERPRINT, StunMessage.FINGERPRINT_LENGTH);
        return u32(out, fp, (crc.getValue() ^ StunMessage.FINGERPRINT_XOR) & 0xFFFF_FFFFL) - off;
    }

    private static void setLength(byte[] out, int off, int length) {
        out[off + 2] = (byte) (length >>> 8);
        out[off + 3] = (byte) length;
    }
}
