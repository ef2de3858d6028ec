package io.relaycast.sfu.rtp;

import static io.relaycast.sfu.rtp.RtpTestPackets.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.Arrays;
import org.testng.annotations.Test;

public class RtpHeaderWriterTest {

    private final RtpHeaderReader reader = new RtpHeaderReader();

    @Test
    public void fixedHeaderRoundTripsThroughTheReader() {
        byte[] buf = new byte[20];
        assertEquals(RtpHeaderWriter.writeFixedHeader(buf, 4, true, 111, 65535, 0xFFFF_FFFFL, 0x8000_0001L), 12);
        assertTrue(reader.reset(buf, 4, 16));
        assertTrue(reader.marker());
        assertEquals(reader.payloadType(), 111);
        assertEquals(reader.sequenceNumber(), 65535);
        assertEquals(reader.timestamp(), 0xFFFF_FFFFL);
        assertEquals(reader.ssrc(), 0x8000_0001L);
        assertEquals(reader.payloadLength(), 4);
    }

    @Test
    public void parsedFieldsWriteBackToTheSameBytes() {
        byte[] original = hex("80E1ABCD" + "01020304" + "F0E0D0C0");
        assertTrue(reader.reset(original, 0, original.length));
        byte[] rewritten = new byte[12];
        RtpHeaderWriter.writeFixedHeader(rewritten, 0, reader.marker(), reader.payloadType(),
                reader.sequenceNumber(), reader.timestamp(), reader.ssrc());
        assertEquals(rewritten, original);
    }

    @Test
    public void fixedHeaderNeedsRoom() {
        assertEquals(RtpHeaderWriter.writeFixedHeader(new byte[11], 0, false, 96, 1, 1, 1), -1);
        assertEquals(RtpHeaderWriter.writeFixedHeader(new byte[12], 1, false, 96, 1, 1, 1), -1);
    }

    @Test
    public void settersChangeOnlyTheirField() {
        byte[] packet = hex(RtpTestPackets.ONE_BYTE_EXTENSION);
        byte[] before = packet.clone();
        RtpHeaderWriter.setSequenceNumber(packet, 0, 0xBEEF);
        RtpHeaderWriter.setTimestamp(packet, 0, 0xCAFEF00DL);
        RtpHeaderWriter.setSsrc(packet, 0, 0x0BADF00DL);
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.sequenceNumber(), 0xBEEF);
        assertEquals(reader.timestamp(), 0xCAFEF00DL);
        assertEquals(reader.ssrc(), 0x0BADF00DL);
        assertEquals(reader.payloadType(), 96);
        assertEquals(Arrays.copyOfRange(packet, 12, packet.length), Arrays.copyOfRange(before, 12, before.length));
        assertEquals(Arrays.copyOfRange(packet, 0, 2), Arrays.copyOfRange(before, 0, 2));
    }

    @Test
    public void payloadTypeAndMarkerShareAByteWithoutDisturbingEachOther() {
        byte[] packet = RtpTestPackets.simple(96, 1, 1, 1, 0);
        RtpHeaderWriter.setMarker(packet, 0, true);
        RtpHeaderWriter.setPayloadType(packet, 0, 100);
        assertTrue(reader.reset(packet, 0, packet.length));
        assertTrue(reader.marker());
        assertEquals(reader.payloadType(), 100);
        RtpHeaderWriter.setMarker(packet, 0, false);
        assertFalse(reader.marker());
        assertEquals(reader.payloadType(), 100);
        RtpHeaderWriter.setPayloadType(packet, 0, 0x1FF);
        assertEquals(reader.payloadType(), 0x7F, "only 7 bits are written");
        assertFalse(reader.marker());
    }

    @Test
    public void rewritesAOneByteExtensionIdAndKeepsItsLength() {
        byte[] packet = hex(RtpTestPackets.ONE_BYTE_EXTENSION);
        assertTrue(reader.reset(packet, 0, packet.length));
        assertTrue(RtpHeaderWriter.rewriteExtensionId(reader, 3, 9));
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.findExtension(3), -1);
        int moved = reader.findExtension(9);
        assertEquals(moved, 20);
        assertEquals(reader.extensionLength(moved), 2);
        assertEquals(reader.findExtension(1), 17);
    }

    @Test
    public void rewritesATwoByteExtensionIdBeyondFourteen() {
        byte[] packet = hex(RtpTestPackets.TWO_BYTE_EXTENSION);
        assertTrue(reader.reset(packet, 0, packet.length));
        assertTrue(RtpHeaderWriter.rewriteExtensionId(reader, 5, 200));
        assertTrue(reader.reset(packet, 0, packet.length));
        int moved = reader.findExtension(200);
        assertEquals(moved, 20);
        assertEquals(reader.extensionLength(moved), 3);
    }

    @Test
    public void refusesIdsTheFormCannotCarryOrThatAreMissing() {
        byte[] packet = hex(RtpTestPackets.ONE_BYTE_EXTENSION);
        byte[] before = packet.clone();
        assertTrue(reader.reset(packet, 0, packet.length));
        assertFalse(RtpHeaderWriter.rewriteExtensionId(reader, 3, 15));
        assertFalse(RtpHeaderWriter.rewriteExtensionId(reader, 3, 0));
        assertFalse(RtpHeaderWriter.rewriteExtensionId(reader, 3, 16));
        assertFalse(RtpHeaderWriter.rewriteExtensionId(reader, 4, 5));
        assertEquals(packet, before);

        byte[] plain = RtpTestPackets.simple(96, 1, 1, 1, 4);
        assertTrue(reader.reset(plain, 0, plain.length));
        assertFalse(RtpHeaderWriter.rewriteExtensionId(reader, 1, 2));
    }

    @Test
    public void remapSwapsIdsInOnePassAndErasesUnmapped() {
        // Elements: id 3 (AA), id 5 (BB CC), id 7 (DD).
        byte[] packet = hex("90600001" + "00000064" + "12345678" + "BEDE0002" + "30AA51BB" + "CC70DD00" + "EE");
        assertTrue(reader.reset(packet, 0, packet.length));
        byte[] map = new byte[16];
        map[3] = 5;
        map[5] = 3;
        int kept = RtpHeaderWriter.remapExtensionIds(reader, map, new RtpExtensionIterator());
        assertEquals(kept, 2);
        assertTrue(reader.reset(packet, 0, packet.length), "erasing must leave a valid block");
        assertEquals(packet[reader.findExtension(5)], (byte) 0xAA);
        int three = reader.findExtension(3);
        assertEquals(reader.extensionLength(three), 2);
        assertEquals(packet[three], (byte) 0xBB);
        assertEquals(reader.findExtension(7), -1, "id 7 mapped to nothing and must be gone");
        assertEquals(packet[21], 0, "erased element header");
        assertEquals(packet[22], 0, "erased element data");
        assertEquals(packet[24], (byte) 0xEE, "payload untouched");
    }

    @Test
    public void remapErasesIdsOutsideTheTableOrTheForm() {
        byte[] packet = hex(RtpTestPackets.ONE_BYTE_EXTENSION);
        assertTrue(reader.reset(packet, 0, packet.length));
        byte[] map = new byte[2];
        map[1] = (byte) 20; // cannot be expressed in one-byte form
        assertEquals(RtpHeaderWriter.remapExtensionIds(reader, map, new RtpExtensionIterator()), 0);
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.findExtension(1), -1);
        assertEquals(reader.findExtension(3), -1);
        for (int i = 16; i < 24; i++) {
            assertEquals(packet[i], 0, "byte " + i);
        }
    }

    @Test
    public void remapOfTwoByteFormUsesUnsignedIds() {
        byte[] packet = hex(RtpTestPackets.TWO_BYTE_EXTENSION);
        assertTrue(reader.reset(packet, 0, packet.length));
        byte[] map = new byte[256];
        map[1] = (byte) 250;
        map[5] = 1;
        assertEquals(RtpHeaderWriter.remapExtensionIds(reader, map, new RtpExtensionIterator()), 2);
        assertTrue(reader.reset(packet, 0, packet.length));
        assertEquals(reader.findExtension(250), 18);
        assertEquals(reader.findExtension(1), 20);
    }
}
