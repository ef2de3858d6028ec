package io.relaycast.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.rtmp.media.AacConfig;
import io.relaycast.rtmp.media.AvcDecoderConfiguration;
import io.relaycast.rtmp.media.H264Packetizer;
import io.relaycast.sfu.rtp.RtpHeaderReader;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * FLV video and audio tags of an RTMP publisher: the AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.2.4.1) of
 * the AVC sequence header, the AVCC access units that follow, packetised into RTP (RFC 6184), and the AAC
 * AudioSpecificConfig. Contract: parsers return null for what they cannot take, never throw; an accepted record
 * has a NAL length size of 1, 2 or 4 and at least one SPS (type 7) and PPS (type 8), written back it parses equal, and its
 * sprop-parameter-sets decode to its NAL units; an access unit is sent whole or refused, and its RTP packets
 * de-packetise (single NAL / FU-A) to exactly its NAL units, AUDs and NAL types 0 and 24-31 (which a receiver
 * would read as STAP/FU) dropped, SPS/PPS put in front of an IDR
 * that lacks them, the marker on the last packet only.
 */
class FlvFuzzTest {
    private static final AvcDecoderConfiguration FALLBACK = AvcDecoderConfiguration.parse(new byte[] {
        1, 0x42, (byte) 0xC0, 0x1F, (byte) 0xFF, (byte) 0xE1, 0, 4, 0x67, 0x42, (byte) 0xC0, 0x1F,
        1, 0, 2, 0x68, (byte) 0xCE}, 0, 17);

    @FuzzTest(maxDuration = "10m")
    void avc(FuzzedDataProvider data) {
        byte[] record = data.consumeBytes(data.consumeInt(0, 600));
        AvcDecoderConfiguration config = AvcDecoderConfiguration.parse(record, 0, record.length);
        if (config != null) {
            int lengthSize = config.nalLengthSize();
            assertTrue(lengthSize == 1 || lengthSize == 2 || lengthSize == 4);
            assertTrue(!config.sps().isEmpty() && !config.pps().isEmpty());
            config.sps().forEach(n -> assertEquals(7, n[0] & 0x1F, "an SPS is NAL type 7"));
            config.pps().forEach(n -> assertEquals(8, n[0] & 0x1F, "a PPS is NAL type 8"));
            byte[] written = write(config);
            AvcDecoderConfiguration again = AvcDecoderConfiguration.parse(written, 0, written.length);
            assertEquals(lengthSize, again.nalLengthSize());
            assertNalsEqual(config.sps(), again.sps());
            assertNalsEqual(config.pps(), again.pps());
            String[] sprop = config.spropParameterSets().split(",");
            assertEquals(config.sps().size() + config.pps().size(), sprop.length);
            assertArrayEquals(config.sps().get(0), Base64.getDecoder().decode(sprop[0]));
            String pli = config.profileLevelId();
            assertTrue(pli.isEmpty() || pli.matches("[0-9a-f]{6}"));
        } else {
            config = FALLBACK;
        }
        byte[] frame = data.consumeRemainingAsBytes();
        List<byte[]> packets = new ArrayList<>();
        H264Packetizer packetizer = new H264Packetizer(0x1234, 102, (buf, off, len) -> {
            byte[] p = new byte[len];
            System.arraycopy(buf, off, p, 0, len);
            packets.add(p);
        });
        packetizer.configure(config);
        if (!packetizer.sendAccessUnit(frame, 0, frame.length, 90_000)) {
            assertTrue(packets.isEmpty(), "a refused access unit sends nothing");
            return;
        }
        List<byte[]> expected = new ArrayList<>();
        boolean idr = false;
        boolean sps = false;
        for (int p = 0; p < frame.length; ) {
            int n = 0;
            for (int i = 0; i < config.nalLengthSize(); i++) {
                n = (n << 8) | (frame[p + i] & 0xFF);
            }
            p += config.nalLengthSize();
            byte[] nal = java.util.Arrays.copyOfRange(frame, p, p + n);
            idr |= (nal[0] & 0x1F) == 5;
            sps |= (nal[0] & 0x1F) == 7;
            int type = nal[0] & 0x1F;
            if (type != 9 && type != 0 && type < 24) { // AUDs and the RTP format's own types 0, 24-31 are dropped
                expected.add(nal);
            }
            p += n;
        }
        if (idr && !sps) {
            List<byte[]> withSets = new ArrayList<>(config.sps());
            withSets.addAll(config.pps());
            withSets.addAll(expected);
            expected = withSets;
        }
        assertNalsEqual(expected, depacketize(packets));
    }

    @FuzzTest(maxDuration = "10m")
    void aac(FuzzedDataProvider data) {
        byte[] config = data.consumeBytes(8);
        AacConfig c = AacConfig.parse(config, 0, config.length);
        if (c == null) {
            return;
        }
        assertTrue(c.objectType() >= 1 && c.objectType() <= 4 && c.frequencyIndex() <= 12);
        assertTrue(c.channels() >= 1 && c.channels() <= 7);
        int raw = data.consumeInt(1, 8191 - AacConfig.ADTS_HEADER); // AacToOpus drops bigger frames
        byte[] adts = new byte[AacConfig.ADTS_HEADER];
        c.writeAdtsHeader(adts, 0, raw);
        // ISO/IEC 13818-7 6.2: syncword, profile, sampling index, channels, 13-bit frame length
        assertEquals(0xFFF, ((adts[0] & 0xFF) << 4) | ((adts[1] & 0xF0) >> 4));
        assertEquals(c.objectType() - 1, (adts[2] & 0xC0) >> 6);
        assertEquals(c.frequencyIndex(), (adts[2] & 0x3C) >> 2);
        assertEquals(c.channels(), ((adts[2] & 0x01) << 2) | ((adts[3] & 0xC0) >> 6));
        assertEquals(raw + AacConfig.ADTS_HEADER, ((adts[3] & 0x03) << 11) | ((adts[4] & 0xFF) << 3) | ((adts[5] & 0xE0) >> 5));
    }

    private static List<byte[]> depacketize(List<byte[]> packets) {
        RtpHeaderReader rtp = new RtpHeaderReader();
        List<byte[]> nals = new ArrayList<>();
        ByteArrayOutputStream fu = null;
        for (int i = 0; i < packets.size(); i++) {
            byte[] p = packets.get(i);
            assertTrue(rtp.reset(p, 0, p.length), "every packet is valid RTP");
            assertTrue(p.length <= 1200, "fits the path MTU");
            assertEquals(i == packets.size() - 1, rtp.marker(), "marker on the last packet of the frame only");
            int off = rtp.payloadOffset();
            int len = rtp.payloadLength();
            assertTrue(len > 0);
            int type = p[off] & 0x1F;
            if (type == 28) { // FU-A, RFC 6184 5.8
                assertTrue(len > 2);
                int fuHeader = p[off + 1] & 0xFF;
                if ((fuHeader & 0x80) != 0) {
                    assertEquals(null, fu, "a new FU-A starts only after the last one ended");
                    fu = new ByteArrayOutputStream();
                    fu.write((p[off] & 0xE0) | (fuHeader & 0x1F));
                }
                assertTrue(fu != null, "a FU-A fragment without its start");
                fu.write(p, off + 2, len - 2);
                if ((fuHeader & 0x40) != 0) {
                    nals.add(fu.toByteArray());
                    fu = null;
                }
            } else {
                assertEquals(null, fu, "a single NAL inside an unfinished FU-A");
                nals.add(java.util.Arrays.copyOfRange(p, off, off + len));
            }
        }
        assertEquals(null, fu, "the last FU-A ended");
        return nals;
    }

    private static byte[] write(AvcDecoderConfiguration c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] sps0 = c.sps().get(0);
        out.write(1);
        out.write(sps0.length > 1 ? sps0[1] : 0x42);
        out.write(sps0.length > 2 ? sps0[2] : 0);
        out.write(sps0.length > 3 ? sps0[3] : 0x1F);
        out.write(0xFC | (c.nalLengthSize() - 1));
        out.write(0xE0 | c.sps().size());
        for (byte[] s : c.sps()) {
            out.write(s.length >> 8);
            out.write(s.length);
            out.write(s, 0, s.length);
        }
        out.write(c.pps().size());
        for (byte[] p : c.pps()) {
            out.write(p.length >> 8);
            out.write(p.length);
            out.write(p, 0, p.length);
        }
        return out.toByteArray();
    }

    private static void assertNalsEqual(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "as many NAL units");
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "NAL unit " + i);
        }
    }
}
