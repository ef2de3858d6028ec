package io.relaycast.sfu.stun;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RFC 5769 test vectors and a small STUN message builder for the stun tests. The builder computes
 * MESSAGE-INTEGRITY and FINGERPRINT the literal way (rewrite the header length, then hash), independently of how
 * the code under test does it.
 */
final class StunTestMessages {

    /** The short-term password of RFC 5769 sections 2.1-2.3. */
    static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";

    /** RFC 5769 section 2.1: sample request, USERNAME "evtj:h6vY", with MESSAGE-INTEGRITY and FINGERPRINT. */
    static final String RFC5769_REQUEST = "000100582112a442b7e7a701bc34d686fa87dfae"
            + "802200105354554e207465737420636c69656e74" // SOFTWARE "STUN test client"
            + "002400046e0001ff" // PRIORITY
            + "80290008932ff9b151263b36" // ICE-CONTROLLED
            + "000600096576746a3a68367659202020" // USERNAME "evtj:h6vY", padded with spaces
            + "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" // MESSAGE-INTEGRITY
            + "80280004e57a3bcf"; // FINGERPRINT

    /** RFC 5769 section 2.2: sample IPv4 response, XOR-MAPPED-ADDRESS 192.0.2.1:32853. */
    static final String RFC5769_IPV4_RESPONSE = "0101003c2112a442b7e7a701bc34d686fa87dfae"
            + "8022000b7465737420766563746f7220" // SOFTWARE "test vector"
            + "002000080001a147e112a643" // XOR-MAPPED-ADDRESS
            + "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
            + "80280004c07d4c96";

    /** RFC 5769 section 2.3: sample IPv6 response, XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853. */
    static final String RFC5769_IPV6_RESPONSE = "010100482112a442b7e7a701bc34d686fa87dfae"
            + "8022000b7465737420766563746f7220"
            + "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
            + "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
            + "80280004c8fb0b4c";

    /** RFC 5769 section 2.4: request with long-term credentials, no FINGERPRINT. */
    static final String RFC5769_LONG_TERM_REQUEST = "000100602112a44278ad3433c6ad72c029da412e"
            + "00060012e3839ee38388e383aae38383e382afe382b90000" // USERNAME (UTF-8)
            + "0015001c662f2f3439396b39353464364f4c33346f4c394653547679363473410014000b" // NONCE
            + "6578616d706c652e6f726700" // ... REALM "example.org"
            + "00080014f67024656dd64a3e02b8e0712e85c9a28ca89666";

    static final byte[] TRANSACTION_ID = hex("b7e7a701bc34d686fa87dfae");

    private StunTestMessages() {
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Builds a STUN message attribute by attribute. */
    static final class Builder {

        private final int type;
        private final byte[] transactionId;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Builder(int type) {
            this(type, TRANSACTION_ID);
        }

        Builder(int type, byte[] transactionId) {
            this.type = type;
            this.transactionId = transactionId;
        }

        /** Appends an attribute, zero-padded to 4 bytes, with its true length. */
        Builder attribute(int attributeType, byte[] value) {
            return attribute(attributeType, value.length, value);
        }

        /** Appends an attribute whose length field says {@code declaredLength}, whatever the value holds. */
        Builder attribute(int attributeType, int declaredLength, byte[] value) {
            write16(attributeType);
            write16(declaredLength);
            body.writeBytes(value);
            for (int i = value.length; i % 4 != 0; i++) {
                body.write(0);
            }
            return this;
        }

        Builder integrity(byte[] key) {
            return integrity(key, 0);
        }

        /** MESSAGE-INTEGRITY hashed with {@code extraLength} more in the header length than section 15.4 says. */
        Builder integrity(byte[] key, int extraLength) {
            byte[] covered = message(body.size() + 24 + extraLength);
            byte[] hmac;
            try {
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(new SecretKeySpec(key, "HmacSHA1"));
                hmac = mac.doFinal(covered);
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
            return attribute(StunAttributeType.MESSAGE_INTEGRITY, hmac);
        }

        Builder fingerprint() {
            CRC32 crc = new CRC32();
            crc.update(message(body.size() + 8));
            long value = crc.getValue() ^ 0x5354554EL;
            return attribute(StunAttributeType.FINGERPRINT,
                    new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
        }

        byte[] build() {
            return message(body.size());
        }

        /** Header with the given length field, followed by the attributes so far. */
        private byte[] message(int lengthField) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(type >>> 8);
            out.write(type);
            out.write(lengthField >>> 8);
            out.write(lengthField);
            out.writeBytes(hex("2112a442"));
            out.writeBytes(transactionId);
            out.writeBytes(body.toByteArray());
            return out.toByteArray();
        }

        private void write16(int value) {
            body.write(value >>> 8);
            body.write(value);
        }
    }
}
