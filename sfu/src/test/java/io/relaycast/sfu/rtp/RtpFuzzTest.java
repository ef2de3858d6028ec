package io.relaycast.sfu.rtp;

import static io.relaycast.sfu.rtp.RtpTestPackets.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.SplittableRandom;
import org.testng.annotations.Test;

/** Random and mutated datagrams must never make the RTP code throw, and what it accepts must be consistent. */
public class RtpFuzzTest {

    private static final byte[][] SEEDS = {
        hex(RtpTestPackets.ONE_BYTE_EXTENSION),
        hex(RtpTestPackets.TWO_BYTE_EXTENSION),
        hex("B2600001" + "00000064" + "12345678" + "00000001" + "00000002" + "ABCD0001" + "01020304" + "AA000002"),
        hex("A0E00001" + "00000064" + "12345678" + "00000004"),
    };

    private final RtpHeaderReader reader = new RtpHeaderReader();
    private final RtpExtensionIterator elements = new RtpExtensionIterator();
    private final RtpStreamRewriter rewriter = new RtpStreamRewriter(1, 90_000, 0, 0);

    @Test
    public void randomBytesNeverThrow() {
        SplittableRandom random = new SplittableRandom(3550);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] buf = new byte[random.nextInt(0, 80)];
            random.nextBytes(buf);
            if (buf.length > 0 && random.nextBoolean()) {
                buf[0] = (byte) (0x80 | (buf[0] & 0x3F)); // version 2 half of the time, to get past the first check
            }
            if (exercise(buf, 0, buf.length)) {
                accepted++;
            }
        }
        assertTrue(accepted > 100, "the fuzzer should also reach the accepting paths, got " + accepted);
    }

    @Test
    public void mutatedValidPacketsNeverThrow() {
        SplittableRandom random = new SplittableRandom(8285);
        for (byte[] seed : SEEDS) {
            assertTrue(reader.reset(seed, 0, seed.length), "seed must be valid");
        }
        for (int i = 0; i < 20_000; i++) {
            byte[] seed = SEEDS[random.nextInt(SEEDS.length)];
            byte[] buf = seed.clone();
            for (int flips = random.nextInt(1, 4); flips > 0; flips--) {
                buf[random.nextInt(buf.length)] = (byte) random.nextInt(256);
            }
            int len = random.nextInt(4) == 0 ? random.nextInt(buf.length + 1) : buf.length;
            exercise(buf, 0, len);
        }
    }

    @Test
    public void nonsenseRegionsAreRejectedNotThrown() {
        byte[] buf = new byte[16];
        int[][] regions = {{-1, 4}, {0, -1}, {17, 0}, {4, 13}, {Integer.MAX_VALUE, 1}, {1, Integer.MAX_VALUE}};
        for (int[] region : regions) {
            assertFalse(reader.reset(buf, region[0], region[1]));
            assertEquals(reader.status(), RtpHeaderStatus.OUT_OF_BOUNDS);
        }
    }

    private boolean exercise(byte[] buf, int off, int len) {
        if (!reader.reset(buf, off, len)) {
            return false;
        }
        assertTrue(reader.payloadOffset() >= off + RtpHeaderReader.FIXED_HEADER_LENGTH);
        assertTrue(reader.payloadLength() >= 0);
        assertEquals(reader.payloadOffset() + reader.payloadLength() + reader.paddingLength(), off + len);
        int extensionStart = reader.extensionDataOffset();
        int extensionEnd = extensionStart + reader.extensionDataLength();
        for (int id = 0; id < 256; id++) {
            int data = reader.findExtension(id);
            if (data >= 0) {
                assertTrue(data >= extensionStart && data + reader.extensionLength(data) <= extensionEnd);
            }
        }
        elements.reset(reader);
        while (elements.next()) {
            assertTrue(elements.dataOffset() + elements.dataLength() <= extensionEnd);
        }
        assertFalse(elements.isMalformed(), "an accepted packet has a well-formed extension block");
        byte[] map = {0, 2, 1, 4, 3};
        RtpHeaderWriter.remapExtensionIds(reader, map, elements);
        assertTrue(reader.reset(buf, off, len), "remapping must keep a packet valid");
        rewriter.rewrite(reader, 0);
        return true;
    }
}
