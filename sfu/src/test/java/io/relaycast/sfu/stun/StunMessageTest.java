package io.relaycast.sfu.stun;

import static io.relaycast.sfu.stun.StunTestMessages.ascii;
import static io.relaycast.sfu.stun.StunTestMessages.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.testng.annotations.Test;

public class StunMessageTest {

    private final StunMessage message = new StunMessage();

    private void assertRejected(byte[] datagram, StunStatus expected) {
        assertFalse(message.reset(datagram, 0, datagram.length), "accepted a message that is " + expected);
        assertEquals(message.status(), expected);
        assertFalse(message.isValid());
        assertFalse(message.verifyFingerprint());
    }

    private String text(int valueOffset) {
        return new String(message.buffer(), valueOffset, message.attributeLength(valueOffset), StandardCharsets.UTF_8);
    }

    @Test
    public void readsTheRfc5769Request() {
        byte[] datagram = hex(StunTestMessages.RFC5769_REQUEST);
        assertTrue(message.reset(datagram, 0, datagram.length));
        assertEquals(message.status(), StunStatus.VALID);
        assertEquals(message.messageType(), 0x0001);
        assertEquals(message.messageClass(), StunMessageClass.REQUEST);
        assertEquals(message.method(), StunMessage.BINDING);
        assertEquals(message.messageLength(), 0x58);
        assertEquals(message.transactionIdOffset(), 8);
        assertTrue(message.transactionIdEquals(StunTestMessages.TRANSACTION_ID, 0));
        byte[] copy = new byte[14];
        message.copyTransactionId(copy, 2);
        assertEquals(Arrays.copyOfRange(copy, 2, 14), StunTestMessages.TRANSACTION_ID);

        assertEquals(text(message.findAttribute(StunAttributeType.SOFTWARE)), "STUN test client");
        int priority = message.findAttribute(StunAttributeType.PRIORITY);
        assertEquals(message.attributeLength(priority), 4);
        assertEquals(StunMessage.u32(datagram, priority), 0x6e0001ffL);
        assertTrue(message.findAttribute(StunAttributeType.ICE_CONTROLLED) > 0);
        assertEquals(message.findAttribute(StunAttributeType.ICE_CONTROLLING), -1);
        assertEquals(message.findAttribute(StunAttributeType.FINGERPRINT), message.fingerprintOffset() + 4);
        assertEquals(message.findAttribute(StunAttributeType.MESSAGE_INTEGRITY), message.messageIntegrityOffset() + 4);

        assertTrue(message.hasMessageIntegrity());
        assertTrue(message.hasFingerprint());
        assertEquals(message.fingerprintOffset(), datagram.length - 8);
        assertEquals(message.messageIntegrityOffset(), datagram.length - 32);
        assertTrue(message.verifyFingerprint());
    }

    @Test
    public void splitsTheIceUsernameIntoLocalAndRemoteUfrag() {
        byte[] datagram = hex(StunTestMessages.RFC5769_REQUEST);
        assertTrue(message.reset(datagram, 0, datagram.length));
        assertTrue(message.hasUsername());
        assertEquals(message.usernameLength(), 9);
        assertEquals(text(message.usernameOffset()), "evtj:h6vY");
        assertTrue(message.hasIceUsername());
        assertEquals(message.localUfrag(), "evtj");
        assertEquals(message.remoteUfrag(), "h6vY");
        assertEquals(message.localUfragOffset(), message.usernameOffset());
        assertEquals(message.localUfragLength(), 4);
        assertEquals(message.remoteUfragOffset(), message.usernameOffset() + 5);
        assertEquals(message.remoteUfragLength(), 4);
        assertTrue(message.localUfragEquals(ascii("evtj")));
    }

    @Test
    public void aForeignUfragIsDetected() {
        byte[] datagram = hex(StunTestMessages.RFC5769_REQUEST);
        assertTrue(message.reset(datagram, 0, datagram.length));
        assertFalse(message.localUfragEquals(ascii("h6vY")), "the remote ufrag is not ours");
        assertFalse(message.localUfragEquals(ascii("evt")), "prefix");
        assertFalse(message.localUfragEquals(ascii("evtj:")));
        assertFalse(message.localUfragEquals(ascii("evtjx")));
        assertFalse(message.localUfragEquals(ascii("EVTJ")), "ufrags are case-sensitive");
        assertFalse(message.localUfragEquals(new byte[0]));
    }

    @Test
    public void usernameWithoutColonIsNotAnIceUsername() {
        byte[] datagram = new StunTestMessages.Builder(0x0001)
                .attribute(StunAttributeType.USERNAME, ascii("nocolon")).build();
        assertTrue(message.reset(datagram, 0, datagram.length));
        assertTrue(message.hasUsername());
        assertFalse(message.hasIceUsername());
        assertEquals(message.localUfragLength(), -1);
        assertEquals(message.localUfragOffset(), -1);
        assertEquals(message.remoteUfragLength(), -1);
        assertFalse(message.localUfragEquals(ascii("nocolon")));
        assertNull(message.localUfrag());
        assertNull(message.remoteUfrag());
    }

    @Test
    public void readsTheRfc5769Responses() {
        byte[] ipv4 = hex(StunTestMessages.RFC5769_IPV4_RESPONSE);
        assertTrue(message.reset(ipv4, 0, ipv4.length));
        assertEquals(message.messageType(), 0x0101);
        assertEquals(message.messageClass(), StunMessageClass.SUCCESS_RESPONSE);
        assertEquals(message.method(), StunMessage.BINDING);
        assertFalse(message.hasUsername());
        assertFalse(message.hasIceUsername());
        assertNull(message.localUfrag());
        assertEquals(text(message.findAttribute(StunAttributeType.SOFTWARE)), "test vector");
        int mapped = message.findAttribute(StunAttributeType.XOR_MAPPED_ADDRESS);
        assertEquals(StunMessage.u16(ipv4, mapped + 2) ^ 0x2112, 32853);
        assertEquals(StunMessage.u32(ipv4, mapped + 4) ^ StunMessage.MAGIC_COOKIE, 0xC0000201L); // 192.0.2.1
        assertTrue(message.verifyFingerprint());

        byte[] ipv6 = hex(StunTestMessages.RFC5769_IPV6_RESPONSE);
        assertTrue(message.reset(ipv6, 0, ipv6.length));
        assertEquals(message.messageClass(), StunMessageClass.SUCCESS_RESPONSE);
        assertEquals(message.attributeLength(message.findAttribute(StunAttributeType.XOR_MAPPED_ADDRESS)), 20);
        assertTrue(message.verifyFingerprint());
    }

    @Test
    public void decodesEveryClassAndMethod() {
        for (int method = 0; method < 0x1000; method += 7) {
            for (int klass = 0; klass < 4; klass++) {
                int type = (method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2)
                        | ((klass & 1) << 4) | ((klass & 2) << 7);
                byte[] datagram = new StunTestMessages.Builder(type).build();
                assertTrue(message.reset(datagram, 0, datagram.length));
                assertEquals(message.method(), method, "type " + Integer.toHexString(type));
                assertEquals(message.messageClass(), StunMessageClass.values()[klass]);
            }
        }
        byte[] indication = new StunTestMessages.Builder(0x0011).build();
        assertTrue(message.reset(indication, 0, indication.length));
        assertEquals(message.messageClass(), StunMessageClass.INDICATION);
        byte[] error = new StunTestMessages.Builder(0x0111).build();
        assertTrue(message.reset(error, 0, error.length));
        assertEquals(message.messageClass(), StunMessageClass.ERROR_RESPONSE);
    }

    @Test
    public void readsAtAnOffsetInsideALargerBuffer() {
        byte[] vector = hex(StunTestMessages.RFC5769_REQUEST);
        byte[] buf = new byte[vector.length + 30];
        Arrays.fill(buf, (byte) 0xEE);
        System.arraycopy(vector, 0, buf, 13, vector.length);
        assertTrue(message.reset(buf, 13, vector.length));
        assertEquals(message.offset(), 13);
        assertTrue(message.transactionIdEquals(StunTestMessages.TRANSACTION_ID, 0));
        assertEquals(message.localUfrag(), "evtj");
        assertTrue(message.verifyFingerprint());
        assertTrue(StunMessageIntegrity.forPassword(StunTestMessages.PASSWORD).verify(message));
    }

    @Test
    public void bytesAfterTheMessageAreIgnored() {
        byte[] vector = hex(StunTestMessages.RFC5769_REQUEST);
        byte[] datagram = Arrays.copyOf(vector, vector.length + 4);
        assertTrue(message.reset(datagram, 0, datagram.length));
        assertEquals(message.messageLength(), vector.length - 20);
        assertTrue(message.verifyFingerprint());
    }

    @Test
    public void tamperingBreaksTheFingerprint() {
        byte[] datagram = hex(StunTestMessages.RFC5769_REQUEST);
        datagram[30] ^= 0x01; // inside SOFTWARE
        assertTrue(message.reset(datagram, 0, datagram.length), "still well-formed");
        assertFalse(message.verifyFingerprint());
        byte[] badValue = hex(StunTestMessages.RFC5769_REQUEST);
        badValue[badValue.length - 1] ^= 0x01;
        assertTrue(message.reset(badValue, 0, badValue.length));
        assertFalse(message.verifyFingerprint());
    }

    @Test
    public void withoutFingerprintThereIsNothingToVerify() {
        byte[] datagram = hex(StunTestMessages.RFC5769_LONG_TERM_REQUEST);
        assertTrue(message.reset(datagram, 0, datagram.length));
        assertFalse(message.hasFingerprint());
        assertEquals(message.fingerprintOffset(), -1);
        assertFalse(message.verifyFingerprint());
        assertEquals(message.findAttribute(StunAttributeType.FINGERPRINT), -1);
    }

    @Test
    public void attributesAfterIntegrityAreIgnored() {
        byte[] key = ascii("key");
        byte[] datagram = new StunTestMessages.Builder(0x0001)
                .attribute(StunAttributeType.USERNAME, ascii("a:b"))
                .integrity(key)
                .attribute(StunAttributeType.SOFTWARE, ascii("late"))
                .attribute(StunAttributeType.USERNAME, ascii("evil:b"))
                .fingerprint()
                .build();
        assertTrue(message.reset(datagram, 0, datagram.length));
        assertEquals(message.findAttribute(StunAttributeType.SOFTWARE), -1);
        assertEquals(message.localUfrag(), "a");
        assertTrue(message.findAttribute(StunAttributeType.FINGERPRINT) > 0);
        assertTrue(message.verifyFingerprint());
        assertTrue(new StunMessageIntegrity(key).verify(message));
    }

    @Test
    public void emptyMessageIsValid() {
        byte[] datagram = new StunTestMessages.Builder(0x0001).build();
        assertEquals(datagram.length, 20);
        assertTrue(message.reset(datagram, 0, datagram.length));
        assertEquals(message.messageLength(), 0);
        assertEquals(message.findAttribute(StunAttributeType.USERNAME), -1);
        assertFalse(message.hasMessageIntegrity());
    }

    @Test
    public void rejectsEmptyAndTruncatedHeaders() {
        byte[] vector = hex(StunTestMessages.RFC5769_REQUEST);
        assertRejected(new byte[0], StunStatus.TOO_SHORT);
        for (int len = 1; len < 20; len++) {
            assertRejected(Arrays.copyOf(vector, len), StunStatus.TOO_SHORT);
        }
    }

    @Test
    public void rejectsATruncatedDatagram() {
        byte[] vector = hex(StunTestMessages.RFC5769_REQUEST);
        assertRejected(Arrays.copyOf(vector, vector.length - 4), StunStatus.LENGTH_PAST_END);
        assertRejected(Arrays.copyOf(vector, 21), StunStatus.LENGTH_PAST_END);
    }

    @Test
    public void rejectsLengthsThatAreNotMultiplesOfFour() {
        byte[] odd = new StunTestMessages.Builder(0x0001).build();
        odd[3] = 1;
        assertRejected(Arrays.copyOf(odd, 21), StunStatus.UNALIGNED_LENGTH);
        byte[] vector = hex(StunTestMessages.RFC5769_REQUEST);
        vector[3] = 0x56;
        assertRejected(vector, StunStatus.UNALIGNED_LENGTH);
    }

    @Test
    public void rejectsAWrongMagicCookie() {
        byte[] datagram = hex(StunTestMessages.RFC5769_REQUEST);
        datagram[4] = 0x21;
        datagram[7] = 0x43;
        assertRejected(datagram, StunStatus.BAD_MAGIC_COOKIE);
        byte[] rfc3489 = new byte[20]; // the old STUN had a random transaction id where the cookie is now
        rfc3489[1] = 1;
        assertRejected(rfc3489, StunStatus.BAD_MAGIC_COOKIE);
    }

    @Test
    public void rejectsNonZeroLeadingBits() {
        byte[] datagram = hex(StunTestMessages.RFC5769_REQUEST);
        datagram[0] = (byte) 0x80; // what an RTP packet starts with
        assertRejected(datagram, StunStatus.NOT_STUN);
        datagram[0] = 0x40;
        assertRejected(datagram, StunStatus.NOT_STUN);
    }

    @Test
    public void rejectsAnAttributeLengthPastTheEnd() {
        byte[] datagram = hex(StunTestMessages.RFC5769_REQUEST);
        datagram[22] = 0x00;
        datagram[23] = (byte) 0xFF; // SOFTWARE claims 255 bytes
        assertRejected(datagram, StunStatus.ATTRIBUTE_PAST_END);
        byte[] lastAttribute = hex(StunTestMessages.RFC5769_REQUEST);
        lastAttribute[lastAttribute.length - 5] = 5; // FINGERPRINT value of 5 bytes, padded to 8, past the end
        assertRejected(lastAttribute, StunStatus.ATTRIBUTE_PAST_END);
    }

    @Test
    public void rejectsAValueOneBytePastTheEnd() {
        // The message length is a multiple of 4, so a value that fits always has room for its padding too.
        byte[] datagram = new StunTestMessages.Builder(0x0001)
                .attribute(StunAttributeType.SOFTWARE, 5, new byte[4]).build();
        assertEquals(datagram.length, 28);
        assertRejected(datagram, StunStatus.ATTRIBUTE_PAST_END);
    }

    @Test
    public void rejectsAttributesAfterFingerprint() {
        byte[] datagram = new StunTestMessages.Builder(0x0001)
                .fingerprint()
                .attribute(StunAttributeType.SOFTWARE, ascii("after")).build();
        assertRejected(datagram, StunStatus.FINGERPRINT_NOT_LAST);
    }

    @Test
    public void rejectsWrongIntegrityAndFingerprintLengths() {
        assertRejected(new StunTestMessages.Builder(0x0001)
                .attribute(StunAttributeType.MESSAGE_INTEGRITY, new byte[19]).build(), StunStatus.BAD_INTEGRITY_LENGTH);
        assertRejected(new StunTestMessages.Builder(0x0001)
                .attribute(StunAttributeType.MESSAGE_INTEGRITY, new byte[32]).build(), StunStatus.BAD_INTEGRITY_LENGTH);
        assertRejected(new StunTestMessages.Builder(0x0001)
                .attribute(StunAttributeType.FINGERPRINT, new byte[8]).build(), StunStatus.BAD_FINGERPRINT_LENGTH);
    }

    @Test
    public void rejectsRegionsOutsideTheBuffer() {
        byte[] vector = hex(StunTestMessages.RFC5769_REQUEST);
        assertFalse(message.reset(vector, 1, vector.length));
        assertEquals(message.status(), StunStatus.OUT_OF_BOUNDS);
        assertFalse(message.reset(vector, -1, 20));
        assertFalse(message.reset(null, 0, 20));
        assertFalse(message.reset(vector, 0, -20));
        assertEquals(message.status(), StunStatus.OUT_OF_BOUNDS);
    }

    @Test
    public void reuseForgetsThePreviousMessage() {
        byte[] request = hex(StunTestMessages.RFC5769_REQUEST);
        byte[] response = hex(StunTestMessages.RFC5769_IPV4_RESPONSE);
        assertTrue(message.reset(request, 0, request.length));
        assertFalse(message.reset(new byte[5], 0, 5));
        assertFalse(message.hasUsername());
        assertFalse(message.hasMessageIntegrity());
        assertFalse(message.hasFingerprint());
        assertTrue(message.reset(response, 0, response.length));
        assertFalse(message.hasUsername());
        assertTrue(message.hasFingerprint());
    }

    @Test
    public void statusBeforeAnyReadIsNotRead() {
        assertEquals(new StunMessage().status(), StunStatus.NOT_READ);
    }
}
