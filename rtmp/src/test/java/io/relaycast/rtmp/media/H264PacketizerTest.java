package io.relaycast.rtmp.media;

import org.testng.annotations.Test;

import java.util.ArrayList;
import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/** RFC 6184 packetization of AVCC access units. */
public class H264PacketizerTest {
    private static final byte[] SPS = {0x67, 0x64, 0x00, 0x1e, (byte) 0xac, (byte) 0xd9};
    private static final byte[] PPS = {0x68, (byte) 0xeb, (byte) 0xe3, (byte) 0xcb};

    private final List<byte[]> packets = new ArrayList<>();
    private final H264Packetizer p = new H264Packetizer(0x1234_5678L, 102, (b, o, l) -> {
        byte[] copy = new byte[l];
        System.arraycopy(b, o, copy, 0, l);
        packets.add(copy);
    });

    @org.testng.annotations.BeforeMethod
    public void clear() {
        packets.clear();
    }

    private static byte[] record() {
        byte[] r = new byte[6 + 2 + SPS.length + 1 + 2 + PPS.length];
        int i = 0;
        r[i++] = 1;
        r[i++] = 0x64;
        r[i++] = 0;
        r[i++] = 0x1e;
        r[i++] = (byte) 0xFF; // length size 4
        r[i++] = (byte) 0xE1; // one SPS
        r[i++] = 0;
        r[i++] = (byte) SPS.length;
        System.arraycopy(SPS, 0, r, i, SPS.length);
        i += SPS.length;
        r[i++] = 1;
        r[i++] = 0;
        r[i++] = (byte) PPS.length;
        System.arraycopy(PPS, 0, r, i, PPS.length);
        return r;
    }

    private static byte[] avcc(byte[]... nals) {
        int n = 0;
        for (byte[] nal : nals) {
            n += 4 + nal.length;
        }
        byte[] out = new byte[n];
        int i = 0;
        for (byte[] nal : nals) {
            out[i++] = (byte) (nal.length >>> 24);
            out[i++] = (byte) (nal.length >>> 16);
            out[i++] = (byte) (nal.length >>> 8);
            out[i++] = (byte) nal.length;
            System.arraycopy(nal, 0, out, i, nal.length);
            i += nal.length;
        }
        return out;
    }

    private static byte[] nal(int header, int size) {
        byte[] b = new byte[size];
        b[0] = (byte) header;
        for (int i = 1; i < size; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    public void theRecordGivesSpsPpsAndTheSourceProfile() {
        AvcDecoderConfiguration c = AvcDecoderConfiguration.parse(record(), 0, record().length);
        assertEquals(c.nalLengthSize(), 4);
        assertEquals(c.sps().get(0), SPS);
        assertEquals(c.pps().get(0), PPS);
        assertEquals(c.profileLevelId(), "64001e");
    }

    @Test
    public void anIdrGetsSpsAndPpsInFrontAndABigNalIsFragmentedAsFuA() {
        p.configure(AvcDecoderConfiguration.parse(record(), 0, record().length));
        byte[] idr = nal(0x65, 3000);
        byte[] frame = avcc(new byte[] {0x09, (byte) 0xF0}, idr); // AUD + IDR slice
        assertTrue(p.sendAccessUnit(frame, 0, frame.length, 90_000));
        assertEquals(packets.get(0)[12], SPS[0], "SPS first");
        assertEquals(packets.get(1)[12], PPS[0], "then PPS");
        int fragments = packets.size() - 2;
        assertEquals(fragments, 3, "2999 octets after the NAL header in 1186-octet fragments");
        byte[] first = packets.get(2);
        assertEquals(first[12] & 0x1F, 28, "FU-A indicator type");
        assertEquals(first[12] & 0xE0, 0x65 & 0xE0, "NRI kept");
        assertEquals(first[13] & 0xFF, 0x80 | 5, "start bit, IDR type");
        byte[] last = packets.get(packets.size() - 1);
        assertEquals(last[13] & 0xFF, 0x40 | 5, "end bit");
        assertTrue((last[1] & 0x80) != 0, "marker on the access unit's last packet");
        for (int i = 0; i < packets.size() - 1; i++) {
            assertFalse((packets.get(i)[1] & 0x80) != 0, "no marker before the last packet");
            int seq = ((packets.get(i)[2] & 0xFF) << 8) | (packets.get(i)[3] & 0xFF);
            int next = ((packets.get(i + 1)[2] & 0xFF) << 8) | (packets.get(i + 1)[3] & 0xFF);
            assertEquals(next, (seq + 1) & 0xFFFF);
        }
        int payload = 0;
        for (int i = 2; i < packets.size(); i++) {
            payload += packets.get(i).length - 14;
        }
        assertEquals(payload, 2999, "every octet of the NAL (its header is in the FU octets)");
    }

    @Test
    public void aSmallNonIdrFrameIsOneSingleNalPacket() {
        p.configure(AvcDecoderConfiguration.parse(record(), 0, record().length));
        byte[] frame = avcc(nal(0x41, 500));
        assertTrue(p.sendAccessUnit(frame, 0, frame.length, 123));
        assertEquals(packets.size(), 1);
        assertEquals(packets.get(0).length, 12 + 500);
        assertEquals(packets.get(0)[12], 0x41);
        assertEquals(packets.get(0)[7], 123);
    }

    @Test
    public void badFramingIsRefusedAndNothingIsSent() {
        p.configure(AvcDecoderConfiguration.parse(record(), 0, record().length));
        byte[] frame = avcc(nal(0x41, 50));
        frame[3] = 100; // longer than the frame
        assertFalse(p.sendAccessUnit(frame, 0, frame.length, 0));
        assertEquals(packets.size(), 0);
        assertFalse(new H264Packetizer(1, 102, (b, o, l) -> { }).sendAccessUnit(frame, 0, frame.length, 0),
                "no configuration yet");
    }
}
