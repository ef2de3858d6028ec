package io.relaycast.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.sfu.rtp.RtpExtensionIterator;
import io.relaycast.sfu.rtp.RtpHeaderReader;
import io.relaycast.sfu.rtp.RtpHeaderWriter;
import io.relaycast.sfu.rtp.RtpStreamRewriter;
import java.util.Arrays;

/**
 * RTP header and header extensions (RFC 3550 section 5.1, RFC 8285) as the SFU reads every received packet.
 * Contract: {@code reset} never throws; an accepted packet's regions (CSRCs, extension block, each element,
 * payload, padding) tile the datagram exactly; the id remap and the stream rewrite keep it valid and change only the
 * bytes they own (ids, sequence number, timestamp, SSRC).
 */
class RtpFuzzTest {
    private final RtpHeaderReader reader = new RtpHeaderReader();
    private final RtpExtensionIterator elements = new RtpExtensionIterator();
    private static final byte[] REMAP = {0, 2, 1, 4, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};

    @FuzzTest(maxDuration = "10m")
    void header(byte[] datagram) {
        // at an offset too, as the receive path reads from pooled buffers
        byte[] buf = new byte[datagram.length + 3];
        System.arraycopy(datagram, 0, buf, 3, datagram.length);
        if (!reader.reset(buf, 3, datagram.length)) {
            assertFalse(reader.isValid());
            return;
        }
        int off = 3;
        int end = off + datagram.length;
        assertEquals(2, (buf[off] & 0xFF) >> 6, "version 2 only");
        assertTrue(reader.headerLength() >= RtpHeaderReader.FIXED_HEADER_LENGTH + 4 * reader.csrcCount());
        assertEquals(off + reader.headerLength(), reader.payloadOffset());
        assertTrue(reader.payloadLength() >= 0 && reader.paddingLength() >= 0);
        assertEquals(end, reader.payloadOffset() + reader.payloadLength() + reader.paddingLength(), "regions tile the datagram");
        if (reader.hasPadding()) {
            assertEquals(buf[end - 1] & 0xFF, reader.paddingLength(), "RFC 3550 5.1: the last octet counts the padding");
        }
        int extStart = reader.extensionDataOffset();
        int extEnd = extStart + reader.extensionDataLength();
        if (reader.hasExtension()) {
            assertTrue(extStart >= off + RtpHeaderReader.FIXED_HEADER_LENGTH && extEnd <= reader.payloadOffset());
        }
        for (int id = 0; id < 256; id++) {
            int data = reader.findExtension(id);
            if (data >= 0) {
                assertTrue(data >= extStart && data + reader.extensionLength(data) <= extEnd, "element " + id + " inside the block");
            }
        }
        elements.reset(reader);
        while (elements.next()) {
            assertTrue(elements.dataOffset() >= extStart && elements.dataOffset() + elements.dataLength() <= extEnd);
        }
        assertFalse(elements.isMalformed(), "an accepted packet has a well-formed extension block");

        byte[] before = buf.clone();
        int payloadOffset = reader.payloadOffset();
        RtpHeaderWriter.remapExtensionIds(reader, REMAP, elements);
        assertTrue(reader.reset(buf, off, datagram.length), "remapping keeps the packet valid");
        assertEquals(payloadOffset, reader.payloadOffset(), "remapping never moves the payload");
        // a fresh rewriter per input: the first packet of a stream always maps (a later one may be dropped as old)
        assertTrue(new RtpStreamRewriter(0x0BADCAFEL, 90_000, 0, 0).rewrite(reader, 0), "the first packet is always forwarded");
        assertTrue(reader.reset(buf, off, datagram.length), "rewriting keeps the packet valid");
        assertEquals(0x0BADCAFEL, reader.ssrc());
        assertTrue(Arrays.equals(before, payloadOffset, end, buf, payloadOffset, end), "payload and padding untouched");
    }
}
