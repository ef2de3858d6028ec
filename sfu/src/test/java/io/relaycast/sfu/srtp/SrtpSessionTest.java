package io.relaycast.sfu.srtp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

/** Round trips, replay, tampering and malformed input through {@link SrtpSession} for both profiles. */
public class SrtpSessionTest {
    private static final int SSRC = 0x11223344;
    private static final int HEADROOM = 7;

    @DataProvider
    public static Object[][] profiles() {
        return new Object[][] {{SrtpProfile.SRTP_AEAD_AES_128_GCM}, {SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80}};
    }

    @Test(dataProvider = "profiles")
    public void rtpRoundTripAcrossRolloverCounterIncrement(SrtpProfile profile) {
        SrtpKeyingMaterial keys = randomKeys(profile, 1);
        SrtpSession server = new SrtpSession(keys, SrtpRole.SERVER);
        SrtpSession client = new SrtpSession(keys, SrtpRole.CLIENT);
        // 65533 → 65535, then 0 → 2 with ROC 1 (RFC 3711 §3.3.1); a wrong ROC would break authentication.
        int[] seqs = {65533, 65534, 65535, 0, 1, 2};
        for (int seq : seqs) {
            byte[] plain = rtp(seq, SSRC, 100 + seq % 7);
            byte[] buf = withHeadroom(plain, HEADROOM, profile.rtpOverhead());
            int protectedLength = server.protectRtp(buf, HEADROOM, plain.length);
            assertEquals(protectedLength, plain.length + profile.rtpOverhead(), "protect seq " + seq);
            assertNotEquals(Arrays.copyOfRange(buf, HEADROOM + 12, HEADROOM + plain.length),
                    Arrays.copyOfRange(plain, 12, plain.length), "payload must be encrypted");
            int len = client.unprotectRtp(buf, HEADROOM, protectedLength);
            assertEquals(len, plain.length, "unprotect seq " + seq);
            assertEquals(Arrays.copyOfRange(buf, HEADROOM, HEADROOM + len), plain);
        }
    }

    @Test(dataProvider = "profiles")
    public void rolloverCounterIsPartOfTheCryptoState(SrtpProfile profile) {
        // Seq 0 sent after the wrap (ROC 1) must differ from seq 0 sent first (ROC 0): the index, not the
        // sequence number, keys the transform.
        SrtpKeyingMaterial keys = randomKeys(profile, 2);
        SrtpSession wrapped = new SrtpSession(keys, SrtpRole.SERVER);
        SrtpSession fresh = new SrtpSession(keys, SrtpRole.SERVER);
        byte[] afterWrap = null;
        for (int seq : new int[] {65535, 0}) {
            byte[] buf = withHeadroom(rtp(seq, SSRC, 40), 0, profile.rtpOverhead());
            wrapped.protectRtp(buf, 0, 52);
            afterWrap = buf;
        }
        byte[] noWrap = withHeadroom(rtp(0, SSRC, 40), 0, profile.rtpOverhead());
        fresh.protectRtp(noWrap, 0, 52);
        assertNotEquals(afterWrap, noWrap);
    }

    @Test(dataProvider = "profiles")
    public void rtcpRoundTrip(SrtpProfile profile) {
        SrtpKeyingMaterial keys = randomKeys(profile, 3);
        SrtpSession server = new SrtpSession(keys, SrtpRole.SERVER);
        SrtpSession client = new SrtpSession(keys, SrtpRole.CLIENT);
        for (int i = 0; i < 3; i++) {
            byte[] plain = rtcp(SSRC, 20 + 4 * i);
            byte[] buf = withHeadroom(plain, HEADROOM, profile.rtcpOverhead());
            int protectedLength = client.protectRtcp(buf, HEADROOM, plain.length);
            assertEquals(protectedLength, plain.length + profile.rtcpOverhead());
            int len = server.unprotectRtcp(buf, HEADROOM, protectedLength);
            assertEquals(len, plain.length);
            assertEquals(Arrays.copyOfRange(buf, HEADROOM, HEADROOM + len), plain);
        }
    }

    @Test(dataProvider = "profiles")
    public void replayedRtpIsRejected(SrtpProfile profile) {
        SrtpKeyingMaterial keys = randomKeys(profile, 4);
        SrtpSession sender = new SrtpSession(keys, SrtpRole.SERVER);
        SrtpSession receiver = new SrtpSession(keys, SrtpRole.CLIENT);
        byte[] wire = protectRtp(sender, profile, rtp(10, SSRC, 30));
        byte[] copy = wire.clone();
        assertEquals(receiver.unprotectRtp(wire, 0, wire.length), 42);
        assertEquals(SrtpStatus.of(receiver.unprotectRtp(copy, 0, copy.length)), SrtpStatus.REPLAY_FAIL);
    }

    @Test(dataProvider = "profiles")
    public void packetOlderThanReplayWindowIsRejected(SrtpProfile profile) {
        SrtpKeyingMaterial keys = randomKeys(profile, 5);
        SrtpSession sender = new SrtpSession(keys, SrtpRole.SERVER);
        SrtpSession receiver = new SrtpSession(keys, SrtpRole.CLIENT);
        byte[] old = protectRtp(sender, profile, rtp(1, SSRC, 30));
        byte[] recent = protectRtp(sender, profile, rtp(1 + 100, SSRC, 30));
        assertEquals(receiver.unprotectRtp(recent, 0, recent.length), 42);
        assertEquals(SrtpStatus.of(receiver.unprotectRtp(old, 0, old.length)), SrtpStatus.REPLAY_OLD);
    }

    @Test(dataProvider = "profiles")
    public void reorderedPacketInsideWindowIsAccepted(SrtpProfile profile) {
        SrtpKeyingMaterial keys = randomKeys(profile, 6);
        SrtpSession sender = new SrtpSession(keys, SrtpRole.SERVER);
        SrtpSession receiver = new SrtpSession(keys, SrtpRole.CLIENT);
        byte[] first = protectRtp(sender, profile, rtp(500, SSRC, 30));
        byte[] second = protectRtp(sender, profile, rtp(501, SSRC, 30));
        assertEquals(receiver.unprotectRtp(second, 0, second.length), 42);
        assertEquals(receiver.unprotectRtp(first, 0, first.length), 42);
    }

    @Test(dataProvider = "profiles")
    public void replayedRtcpIsRejected(SrtpProfile profile) {
        SrtpKeyingMaterial keys = randomKeys(profile, 7);
        SrtpSession sender = new SrtpSession(keys, SrtpRole.SERVER);
        SrtpSession receiver = new SrtpSession(keys, SrtpRole.CLIENT);
        byte[] plain = rtcp(SSRC, 28);
        byte[] wire = withHeadroom(plain, 0, profile.rtcpOverhead());
        int len = sender.protectRtcp(wire, 0, plain.length);
        byte[] copy = Arrays.copyOf(wire, len);
        assertEquals(receiver.unprotectRtcp(wire, 0, len), plain.length);
        assertEquals(SrtpStatus.of(receiver.unprotectRtcp(copy, 0, len)), SrtpStatus.REPLAY_FAIL);
    }

    @Test(dataProvider = "profiles")
    public void tamperedRtpFailsAuthenticationAndLeavesStateAlone(SrtpProfile profile) {
        SrtpKeyingMaterial keys = randomKeys(profile, 8);
        SrtpSession sender = new SrtpSession(keys, SrtpRole.SERVER);
        SrtpSession receiver = new SrtpSession(keys, SrtpRole.CLIENT);
        byte[] wire = protectRtp(sender, profile, rtp(77, SSRC, 30));
        for (int position : new int[] {1, 5, 20, wire.length - 1}) { // header, timestamp, payload, tag
            byte[] tampered = wire.clone();
            tampered[position] ^= 0x04;
            assertEquals(SrtpStatus.of(receiver.unprotectRtp(tampered, 0, tampered.length)), SrtpStatus.AUTH_FAIL,
                    "flipped octet " + position);
        }
        assertEquals(receiver.unprotectRtp(wire, 0, wire.length), 42, "genuine packet after forgeries");
    }

    @Test(dataProvider = "profiles")
    public void tamperedRtcpFailsAuthentication(SrtpProfile profile) {
        SrtpKeyingMaterial keys = randomKeys(profile, 9);
        SrtpSession sender = new SrtpSession(keys, SrtpRole.SERVER);
        SrtpSession receiver = new SrtpSession(keys, SrtpRole.CLIENT);
        byte[] plain = rtcp(SSRC, 28);
        byte[] wire = withHeadroom(plain, 0, profile.rtcpOverhead());
        int len = sender.protectRtcp(wire, 0, plain.length);
        wire[10] ^= 0x01;
        assertEquals(SrtpStatus.of(receiver.unprotectRtcp(wire, 0, len)), SrtpStatus.AUTH_FAIL);
    }

    @Test(dataProvider = "profiles")
    public void wrongKeysFailAuthentication(SrtpProfile profile) {
        SrtpSession sender = new SrtpSession(randomKeys(profile, 10), SrtpRole.SERVER);
        SrtpSession stranger = new SrtpSession(randomKeys(profile, 11), SrtpRole.CLIENT);
        byte[] wire = protectRtp(sender, profile, rtp(3, SSRC, 30));
        assertEquals(SrtpStatus.of(stranger.unprotectRtp(wire, 0, wire.length)), SrtpStatus.AUTH_FAIL);
    }

    @Test(dataProvider = "profiles")
    public void everyTruncationIsRejectedWithoutException(SrtpProfile profile) {
        SrtpKeyingMaterial keys = randomKeys(profile, 12);
        SrtpSession sender = new SrtpSession(keys, SrtpRole.SERVER);
        SrtpSession receiver = new SrtpSession(keys, SrtpRole.CLIENT);
        byte[] rtpWire = protectRtp(sender, profile, rtp(9, SSRC, 30));
        for (int len = 0; len < rtpWire.length; len++) {
            byte[] cut = Arrays.copyOf(rtpWire, len);
            int result = receiver.unprotectRtp(cut, 0, len);
            assertTrue(result < 0, "RTP truncated to " + len + " gave " + result);
        }
        byte[] plain = rtcp(SSRC, 28);
        byte[] rtcpWire = withHeadroom(plain, 0, profile.rtcpOverhead());
        int rtcpLength = sender.protectRtcp(rtcpWire, 0, plain.length);
        for (int len = 0; len < rtcpLength; len++) {
            byte[] cut = Arrays.copyOf(rtcpWire, len);
            int result = receiver.unprotectRtcp(cut, 0, len);
            assertTrue(result < 0, "RTCP truncated to " + len + " gave " + result);
        }
        // The intact packets still pass: no truncated attempt disturbed the replay state.
        assertEquals(receiver.unprotectRtp(rtpWire, 0, rtpWire.length), 42);
        assertEquals(receiver.unprotectRtcp(rtcpWire, 0, rtcpLength), plain.length);
    }

    @Test(dataProvider = "profiles")
    public void randomInputNeverThrows(SrtpProfile profile) {
        SrtpSession s = new SrtpSession(randomKeys(profile, 20), SrtpRole.SERVER);
        Random random = new Random(21);
        for (int i = 0; i < 600; i++) {
            byte[] buf = new byte[random.nextInt(120)];
            random.nextBytes(buf);
            if (buf.length > 0 && random.nextBoolean()) {
                buf[0] = (byte) (0x80 | (buf[0] & 0x3F)); // mostly RTP version 2, any X/CC bits
            }
            int off = buf.length == 0 ? 0 : random.nextInt(buf.length);
            int len = buf.length - off == 0 ? 0 : random.nextInt(buf.length - off + 1);
            assertTrue(s.unprotectRtp(buf, off, len) < 0, "random SRTP accepted");
            assertTrue(s.unprotectRtcp(buf, off, len) < 0, "random SRTCP accepted");
            int rtp = s.protectRtp(buf, off, len);
            assertTrue(rtp < 0 || rtp == len + profile.rtpOverhead(), "protectRtp gave " + rtp);
            int rtcp = s.protectRtcp(buf, off, len);
            assertTrue(rtcp < 0 || rtcp == len + profile.rtcpOverhead(), "protectRtcp gave " + rtcp);
        }
    }

    @Test
    public void badBoundsAndHeadersAreInvalidPackets() {
        SrtpSession s = new SrtpSession(randomKeys(SrtpProfile.SRTP_AEAD_AES_128_GCM, 13), SrtpRole.SERVER);
        byte[] buf = new byte[100];
        assertEquals(SrtpStatus.of(s.protectRtp(null, 0, 10)), SrtpStatus.INVALID_PACKET);
        assertEquals(SrtpStatus.of(s.protectRtp(buf, -1, 10)), SrtpStatus.INVALID_PACKET);
        assertEquals(SrtpStatus.of(s.protectRtp(buf, 95, 10)), SrtpStatus.INVALID_PACKET);
        assertEquals(SrtpStatus.of(s.unprotectRtp(buf, 0, -4)), SrtpStatus.INVALID_PACKET);
        assertEquals(SrtpStatus.of(s.unprotectRtcp(buf, Integer.MAX_VALUE, 4)), SrtpStatus.INVALID_PACKET);
        byte[] versionOne = rtp(1, SSRC, 20);
        versionOne[0] = 0x40;
        assertEquals(SrtpStatus.of(s.protectRtp(Arrays.copyOf(versionOne, 64), 0, 32)), SrtpStatus.INVALID_PACKET);
        byte[] csrcOverrun = Arrays.copyOf(rtp(1, SSRC, 4), 64);
        csrcOverrun[0] = (byte) 0x8F; // 15 CSRCs announced in a 16-octet packet
        assertEquals(SrtpStatus.of(s.protectRtp(csrcOverrun, 0, 16)), SrtpStatus.INVALID_PACKET);
        byte[] extensionOverrun = Arrays.copyOf(rtp(1, SSRC, 8), 64);
        extensionOverrun[0] = (byte) 0x90;
        extensionOverrun[14] = 0x10; // 0x1000 words of extension in a 20-octet packet
        assertEquals(SrtpStatus.of(s.protectRtp(extensionOverrun, 0, 20)), SrtpStatus.INVALID_PACKET);
        assertEquals(SrtpStatus.of(s.protectRtcp(new byte[64], 0, 8)), SrtpStatus.INVALID_PACKET, "RTCP V=0");
    }

    @Test(dataProvider = "profiles")
    public void protectWithoutRoomForTheTagIsRefused(SrtpProfile profile) {
        SrtpSession s = new SrtpSession(randomKeys(profile, 14), SrtpRole.SERVER);
        byte[] exact = rtp(1, SSRC, 30);
        assertEquals(SrtpStatus.of(s.protectRtp(exact, 0, exact.length)), SrtpStatus.BUFFER_TOO_SMALL);
        byte[] rtcpExact = rtcp(SSRC, 28);
        assertEquals(SrtpStatus.of(s.protectRtcp(rtcpExact, 0, rtcpExact.length)), SrtpStatus.BUFFER_TOO_SMALL);
        byte[] oneShort = Arrays.copyOf(rtcpExact, rtcpExact.length + profile.rtcpOverhead() - 1);
        assertEquals(SrtpStatus.of(s.protectRtcp(oneShort, 0, rtcpExact.length)), SrtpStatus.BUFFER_TOO_SMALL);
    }

    @Test
    public void protectingTheSameIndexTwiceIsRefusedByDefault() {
        SrtpProfile profile = SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80;
        SrtpKeyingMaterial keys = randomKeys(profile, 15);
        SrtpSession guarded = new SrtpSession(keys, SrtpRole.SERVER);
        protectRtp(guarded, profile, rtp(40, SSRC, 30));
        byte[] again = withHeadroom(rtp(40, SSRC, 30), 0, profile.rtpOverhead());
        assertEquals(SrtpStatus.of(guarded.protectRtp(again, 0, 42)), SrtpStatus.REPLAY_FAIL);

        SrtpSession permissive = new SrtpSession(keys, SrtpRole.SERVER, new SrtpSessionOptions(false, 8));
        byte[] first = protectRtp(permissive, profile, rtp(40, SSRC, 30));
        byte[] second = protectRtp(permissive, profile, rtp(40, SSRC, 30));
        assertEquals(second, first, "retransmission of an identical packet re-protects identically");
    }

    @Test
    public void forgedPacketsFromUnknownSsrcsCreateNoState() {
        SrtpProfile profile = SrtpProfile.SRTP_AEAD_AES_128_GCM;
        SrtpSession receiver = new SrtpSession(randomKeys(profile, 16), SrtpRole.CLIENT);
        Random random = new Random(17);
        for (int i = 0; i < 20; i++) {
            byte[] forged = rtp(i, random.nextInt(), 40);
            random.nextBytes(forged);
            forged[0] = (byte) 0x80;
            assertEquals(SrtpStatus.of(receiver.unprotectRtp(forged, 0, forged.length)), SrtpStatus.AUTH_FAIL);
        }
        assertEquals(receiver.debugState().get("rtpReceiveStreams"), 0);
    }

    @Test
    public void streamLimitIsEnforcedPerDirection() {
        SrtpProfile profile = SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80;
        SrtpSession s = new SrtpSession(randomKeys(profile, 18), SrtpRole.SERVER, new SrtpSessionOptions(true, 2));
        protectRtp(s, profile, rtp(1, 1, 10));
        protectRtp(s, profile, rtp(1, 2, 10));
        byte[] third = withHeadroom(rtp(1, 3, 10), 0, profile.rtpOverhead());
        assertEquals(SrtpStatus.of(s.protectRtp(third, 0, 22)), SrtpStatus.TOO_MANY_STREAMS);
        byte[] known = withHeadroom(rtp(2, 1, 10), 0, profile.rtpOverhead());
        assertEquals(s.protectRtp(known, 0, 22), 32, "known SSRCs keep working");
    }

    @Test
    public void closedSessionRefusesPackets() {
        SrtpProfile profile = SrtpProfile.SRTP_AEAD_AES_128_GCM;
        SrtpSession s = new SrtpSession(randomKeys(profile, 19), SrtpRole.SERVER);
        s.close();
        assertTrue(s.isClosed());
        byte[] buf = withHeadroom(rtp(1, SSRC, 10), 0, profile.rtpOverhead());
        assertEquals(SrtpStatus.of(s.protectRtp(buf, 0, 22)), SrtpStatus.CLOSED);
    }

    static SrtpKeyingMaterial randomKeys(SrtpProfile profile, long seed) {
        byte[] exported = new byte[profile.keyingMaterialLength()];
        new Random(seed).nextBytes(exported);
        return SrtpKeyingMaterial.fromDtlsExport(profile, exported);
    }

    static byte[] rtp(int seq, int ssrc, int payloadLength) {
        byte[] p = new byte[12 + payloadLength];
        p[0] = (byte) 0x80;
        p[1] = 96;
        p[2] = (byte) (seq >> 8);
        p[3] = (byte) seq;
        p[4] = 0x12;
        p[7] = (byte) seq;
        p[8] = (byte) (ssrc >> 24);
        p[9] = (byte) (ssrc >> 16);
        p[10] = (byte) (ssrc >> 8);
        p[11] = (byte) ssrc;
        for (int i = 12; i < p.length; i++) {
            p[i] = (byte) (i * 31 + seq);
        }
        return p;
    }

    /** A receiver report with padding words to reach {@code length} (a multiple of 4, at least 8). */
    static byte[] rtcp(int ssrc, int length) {
        byte[] p = new byte[length];
        p[0] = (byte) 0x80;
        p[1] = (byte) 201;
        p[3] = (byte) (length / 4 - 1);
        p[4] = (byte) (ssrc >> 24);
        p[5] = (byte) (ssrc >> 16);
        p[6] = (byte) (ssrc >> 8);
        p[7] = (byte) ssrc;
        for (int i = 8; i < length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    private static byte[] withHeadroom(byte[] packet, int headroom, int tailroom) {
        byte[] buf = new byte[headroom + packet.length + tailroom];
        System.arraycopy(packet, 0, buf, headroom, packet.length);
        return buf;
    }

    private static byte[] protectRtp(SrtpSession session, SrtpProfile profile, byte[] plain) {
        byte[] buf = withHeadroom(plain, 0, profile.rtpOverhead());
        int len = session.protectRtp(buf, 0, plain.length);
        assertEquals(len, plain.length + profile.rtpOverhead());
        return buf;
    }
}
