package io.relaycast.sfu.rtp;

import static io.relaycast.sfu.rtp.RtpTestPackets.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

public class RtpHeaderReaderTest {

    private final RtpHeaderReader reader = new RtpHeaderReader();

    private void assertRejected(byte[] packet, RtpHeaderStatus expected) {
        assertFalse(reader.reset(packet, 0, packet.length), "accepted a packet that is " + expected);
        assertEquals(reader.status(), expected);
        assertFalse(reader.isValid());
    }

    @Test
    public void readsTheFixedHeader() {
        byte[] packet = hex("80E1FFFE" + "DEADBEEF" + "CAFEBABE" + "0102030405");
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.status(), RtpHeaderStatus.VALID);
        assertTrue(reader.marker());
        assertEquals(reader.payloadType(), 97);
        assertEquals(reader.sequenceNumber(), 0xFFFE);
        assertEquals(reader.timestamp(), 0xDEADBEEFL);
        assertEquals(reader.ssrc(), 0xCAFEBABEL);
        assertEquals(reader.csrcCount(), 0);
        assertFalse(reader.hasPadding());
        assertFalse(reader.hasExtension());
        assertEquals(reader.extensionForm(), RtpExtensionForm.NONE);
        assertEquals(reader.headerLength(), 12);
        assertEquals(reader.payloadOffset(), 12);
        assertEquals(reader.payloadLength(), 5);
        assertEquals(reader.paddingLength(), 0);
        assertEquals(reader.findExtension(1), -1);
    }

    @Test
    public void readsAtAnOffsetAndIgnoresBytesOutsideTheRegion() {
        byte[] inner = hex("80600007" + "00000001" + "00000002" + "AABB");
        byte[] buf = new byte[inner.length + 10];
        System.arraycopy(inner, 0, buf, 6, inner.length);
        buf[buf.length - 1] = (byte) 0xFF;
        assertTrue(reader.reset(buf, 6, inner.length));
        assertEquals(reader.offset(), 6);
        assertEquals(reader.sequenceNumber(), 7);
        assertEquals(reader.payloadOffset(), 18);
        assertEquals(reader.payloadLength(), 2);
    }

    @Test
    public void readsCsrcs() {
        byte[] packet = hex("82600001" + "00000064" + "12345678" + "00000011" + "FFFFFFFE" + "99");
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.csrcCount(), 2);
        assertEquals(reader.csrc(0), 0x11L);
        assertEquals(reader.csrc(1), 0xFFFF_FFFEL);
        assertEquals(reader.headerLength(), 20);
        assertEquals(reader.payloadLength(), 1);
    }

    @Test
    public void findsOneByteExtensionElements() {
        byte[] packet = hex(RtpTestPackets.ONE_BYTE_EXTENSION);
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.extensionForm(), RtpExtensionForm.ONE_BYTE);
        assertEquals(reader.extensionProfile(), 0xBEDE);
        assertEquals(reader.extensionDataOffset(), 16);
        assertEquals(reader.extensionDataLength(), 8);
        assertEquals(reader.headerLength(), 24);
        assertEquals(reader.payloadLength(), 2);

        int first = reader.findExtension(1);
        assertEquals(first, 17);
        assertEquals(reader.extensionLength(first), 1);
        assertEquals(packet[first], (byte) 0xAA);

        int third = reader.findExtension(3);
        assertEquals(third, 20);
        assertEquals(reader.extensionLength(third), 2);
        assertEquals(packet[third + 1], (byte) 0xCC);

        assertEquals(reader.findExtension(2), -1);
        assertEquals(reader.findExtension(0), -1, "id 0 is padding, never an element");
        assertEquals(reader.findExtension(15), -1);
    }

    @Test
    public void findsTwoByteExtensionElementsIncludingEmptyOnes() {
        byte[] packet = hex(RtpTestPackets.TWO_BYTE_EXTENSION);
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.extensionForm(), RtpExtensionForm.TWO_BYTE);
        int empty = reader.findExtension(1);
        assertEquals(empty, 18);
        assertEquals(reader.extensionLength(empty), 0);
        int five = reader.findExtension(5);
        assertEquals(five, 20);
        assertEquals(reader.extensionLength(five), 3);
        assertEquals(packet[five + 2], (byte) 0x33);
        assertEquals(reader.findExtension(3), -1);
        assertEquals(reader.payloadLength(), 2);
    }

    @Test
    public void twoByteProfileAcceptsAnyAppBits() {
        byte[] packet = hex("90600001" + "00000064" + "12345678" + "100F0001" + "07010900");
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.extensionForm(), RtpExtensionForm.TWO_BYTE);
        assertEquals(reader.extensionProfile(), 0x100F);
        assertEquals(reader.findExtension(7), 18);
    }

    @Test
    public void opaqueExtensionIsSkippedButNotAddressable() {
        byte[] packet = hex("90600001" + "00000064" + "12345678" + "ABCD0001" + "FFFFFFFF" + "77");
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.extensionForm(), RtpExtensionForm.OPAQUE);
        assertEquals(reader.headerLength(), 20);
        assertEquals(reader.payloadLength(), 1);
        assertEquals(reader.findExtension(15), -1);
    }

    @Test
    public void idFifteenStopsOneByteParsing() {
        // Read on past id 15 and its (ignored) length, and the next byte is id 3 claiming 16 bytes of data,
        // far past the block: a reader that does not stop would reject the packet.
        byte[] packet = hex("90600001" + "00000064" + "12345678" + "BEDE0002" + "10AAF000" + "3F000000");
        assertTrue(reader.reset(packet, 0, packet.length), reader.status().toString());
        assertEquals(reader.findExtension(1), 17);
        assertEquals(reader.findExtension(3), -1);
    }

    @Test
    public void zeroLengthExtensionBlockIsValid() {
        byte[] packet = hex("90600001" + "00000064" + "12345678" + "BEDE0000" + "AB");
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.extensionDataLength(), 0);
        assertEquals(reader.findExtension(1), -1);
        assertEquals(reader.payloadLength(), 1);
    }

    @Test
    public void readsPadding() {
        byte[] packet = hex("A0600001" + "00000064" + "12345678" + "01020304" + "000003");
        assertTrue(reader.reset(packet, 0, packet.length));
        assertTrue(reader.hasPadding());
        assertEquals(reader.paddingLength(), 3);
        assertEquals(reader.payloadLength(), 4);
    }

    @Test
    public void paddingOnlyPacketHasAnEmptyPayload() {
        // Bandwidth probes are padding-only packets: the padding may fill everything after the header.
        byte[] packet = hex("A0600001" + "00000064" + "12345678" + "00000004");
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.payloadLength(), 0);
        assertEquals(reader.paddingLength(), 4);
    }

    @Test
    public void rejectsTruncatedFixedHeaders() {
        byte[] full = hex("80600001" + "00000064" + "12345678");
        for (int len = 0; len < 12; len++) {
            assertFalse(reader.reset(full, 0, len), "accepted " + len + " bytes");
            assertEquals(reader.status(), RtpHeaderStatus.TOO_SHORT);
        }
        assertTrue(reader.reset(full, 0, 12), "a header with an empty payload is valid");
    }

    @Test
    public void rejectsOtherVersions() {
        assertRejected(hex("00600001" + "00000064" + "12345678"), RtpHeaderStatus.BAD_VERSION);
        assertRejected(hex("40600001" + "00000064" + "12345678"), RtpHeaderStatus.BAD_VERSION);
        assertRejected(hex("C0600001" + "00000064" + "12345678"), RtpHeaderStatus.BAD_VERSION);
    }

    @Test
    public void rejectsCsrcCountPastTheEnd() {
        assertRejected(hex("8F600001" + "00000064" + "12345678" + "00000001"), RtpHeaderStatus.CSRC_PAST_END);
        assertRejected(hex("81600001" + "00000064" + "12345678" + "000000"), RtpHeaderStatus.CSRC_PAST_END);
    }

    @Test
    public void rejectsExtensionHeaderPastTheEnd() {
        assertRejected(hex("90600001" + "00000064" + "12345678" + "BEDE00"),
                RtpHeaderStatus.EXTENSION_HEADER_PAST_END);
        assertRejected(hex("91600001" + "00000064" + "12345678" + "00000001"),
                RtpHeaderStatus.EXTENSION_HEADER_PAST_END);
    }

    @Test
    public void rejectsExtensionLengthFfff() {
        assertRejected(hex("90600001" + "00000064" + "12345678" + "BEDEFFFF" + "10AA0000" + "DEAD"),
                RtpHeaderStatus.EXTENSION_PAST_END);
        assertRejected(hex("90600001" + "00000064" + "12345678" + "ABCDFFFF"),
                RtpHeaderStatus.EXTENSION_PAST_END);
    }

    @Test
    public void rejectsExtensionLengthOneWordTooLong() {
        assertRejected(hex("90600001" + "00000064" + "12345678" + "BEDE0002" + "10AA0000"),
                RtpHeaderStatus.EXTENSION_PAST_END);
    }

    @Test
    public void rejectsOneByteElementPastTheBlock() {
        // id 2 claims 4 bytes of data; the block has 1 left.
        assertRejected(hex("90600001" + "00000064" + "12345678" + "BEDE0001" + "10AA23BB" + "DEAD"),
                RtpHeaderStatus.EXTENSION_ELEMENT_PAST_END);
    }

    @Test
    public void rejectsTwoByteElementPastTheBlock() {
        assertRejected(hex("90600001" + "00000064" + "12345678" + "10000001" + "0105AABB" + "DEAD"),
                RtpHeaderStatus.EXTENSION_ELEMENT_PAST_END);
        // The length byte itself is missing.
        assertRejected(hex("90600001" + "00000064" + "12345678" + "10000001" + "00000009" + "DEAD"),
                RtpHeaderStatus.EXTENSION_ELEMENT_PAST_END);
    }

    @Test
    public void rejectsPaddingCountZero() {
        assertRejected(hex("A0600001" + "00000064" + "12345678" + "01020300"), RtpHeaderStatus.PADDING_ZERO);
    }

    @Test
    public void rejectsPaddingLongerThanPayload() {
        assertRejected(hex("A0600001" + "00000064" + "12345678" + "01020305"), RtpHeaderStatus.PADDING_PAST_PAYLOAD);
        // With nothing after the header, the count byte is the SSRC's last byte and is necessarily too large.
        assertRejected(hex("A0600001" + "00000064" + "12345601"), RtpHeaderStatus.PADDING_PAST_PAYLOAD);
        // Padding may not reach back into the extension block.
        assertRejected(hex("B0600001" + "00000064" + "12345678" + "BEDE0001" + "10AA0000" + "0003"),
                RtpHeaderStatus.PADDING_PAST_PAYLOAD);
    }

    @Test
    public void rejectsRegionsOutsideTheBuffer() {
        byte[] packet = hex("80600001" + "00000064" + "12345678");
        assertFalse(reader.reset(packet, 1, 12));
        assertEquals(reader.status(), RtpHeaderStatus.OUT_OF_BOUNDS);
        assertFalse(reader.reset(packet, -1, 12));
        assertFalse(reader.reset(packet, 0, -5));
        assertFalse(reader.reset(null, 0, 12));
        assertEquals(reader.status(), RtpHeaderStatus.OUT_OF_BOUNDS);
    }

    @Test
    public void reuseForgetsThePreviousPacket() {
        byte[] withExtension = hex(RtpTestPackets.ONE_BYTE_EXTENSION);
        byte[] plain = RtpTestPackets.simple(96, 9, 90, 5, 3);
        assertTrue(reader.reset(withExtension, 0, withExtension.length));
        assertFalse(reader.reset(new byte[3], 0, 3));
        assertTrue(reader.reset(plain, 0, plain.length));
        assertEquals(reader.extensionForm(), RtpExtensionForm.NONE);
        assertEquals(reader.findExtension(1), -1);
        assertEquals(reader.headerLength(), 12);
        assertEquals(reader.paddingLength(), 0);
        assertEquals(reader.sequenceNumber(), 9);
    }

    @Test
    public void statusBeforeAnyReadIsNotRead() {
        assertEquals(new RtpHeaderReader().status(), RtpHeaderStatus.NOT_READ);
        assertFalse(new RtpHeaderReader().isValid());
    }
}
