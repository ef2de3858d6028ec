package io.relaycast.load.rtc;

import io.relaycast.sfu.stun.StunAttributeType;
import io.relaycast.sfu.stun.StunMessage;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.zip.CRC32;

/**
 * Writes the two STUN messages an ICE endpoint needs (RFC 5389, RFC 8445 section 7): a Binding request (a
 * connectivity check) and a Binding success response, each with MESSAGE-INTEGRITY (short-term credentials) and
 * FINGERPRINT. Reading is done with the SFU's own {@link StunMessage}.
 */
public final class Stun {
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS = 0x0101;

    private Stun() {
    }

    /** A check: USERNAME {@code remote:local}, PRIORITY, ICE-CONTROLLING/-CONTROLLED, optionally USE-CANDIDATE. */
    public static byte[] request(byte[] transactionId, String remoteUfrag, String localUfrag, String remotePassword,
                          long priority, boolean controlling, long tieBreaker, boolean useCandidate) {
        ByteBuffer b = header(BINDING_REQUEST, transactionId);
        attribute(b, StunAttributeType.USERNAME, (remoteUfrag + ":" + localUfrag).getBytes(StandardCharsets.US_ASCII));
        attribute(b, StunAttributeType.PRIORITY, ByteBuffer.allocate(4).putInt((int) priority).array());
        attribute(b, controlling ? StunAttributeType.ICE_CONTROLLING : StunAttributeType.ICE_CONTROLLED,
                ByteBuffer.allocate(8).putLong(tieBreaker).array());
        if (useCandidate) {
            attribute(b, StunAttributeType.USE_CANDIDATE, new byte[0]);
        }
        return finish(b, remotePassword);
    }

    /** The answer to a check: XOR-MAPPED-ADDRESS of the sender, signed with our own password. */
    public static byte[] success(byte[] buf, int transactionIdOffset, InetSocketAddress from, String localPassword) {
        byte[] id = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        System.arraycopy(buf, transactionIdOffset, id, 0, id.length);
        ByteBuffer b = header(BINDING_SUCCESS, id);
        byte[] address = from.getAddress().getAddress();
        ByteBuffer v = ByteBuffer.allocate(4 + address.length);
        v.put((byte) 0).put((byte) (address.length == 4 ? 1 : 2));
        v.putShort((short) (from.getPort() ^ (StunMessage.MAGIC_COOKIE >>> 16)));
        byte[] mask = ByteBuffer.allocate(16).putInt(StunMessage.MAGIC_COOKIE).put(id).array();
        for (int i = 0; i < address.length; i++) {
            v.put((byte) (address[i] ^ mask[i]));
        }
        attribute(b, StunAttributeType.XOR_MAPPED_ADDRESS, v.array());
        return finish(b, localPassword);
    }

    private static ByteBuffer header(int type, byte[] transactionId) {
        ByteBuffer b = ByteBuffer.allocate(512);
        b.putShort((short) type).putShort((short) 0).putInt(StunMessage.MAGIC_COOKIE).put(transactionId);
        return b;
    }

    private static void attribute(ByteBuffer b, int type, byte[] value) {
        b.putShort((short) type).putShort((short) value.length).put(value);
        while ((b.position() & 3) != 0) {
            b.put((byte) 0);
        }
    }

    /** MESSAGE-INTEGRITY over the message with the length it has once the attribute is in, then FINGERPRINT. */
    private static byte[] finish(ByteBuffer b, String password) {
        int integrityAt = b.position();
        b.putShort(2, (short) (integrityAt + 24 - StunMessage.HEADER_LENGTH));
        byte[] hmac;
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(password.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            mac.update(b.array(), 0, integrityAt);
            hmac = mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        attribute(b, StunAttributeType.MESSAGE_INTEGRITY, hmac);
        int fingerprintAt = b.position();
        b.putShort(2, (short) (fingerprintAt + 8 - StunMessage.HEADER_LENGTH));
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, fingerprintAt);
        attribute(b, StunAttributeType.FINGERPRINT,
                ByteBuffer.allocate(4).putInt((int) crc.getValue() ^ StunMessage.FINGERPRINT_XOR).array());
        byte[] out = new byte[b.position()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }
}
