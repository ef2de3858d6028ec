package io.relaycast.sfu.room;

import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.sdp.Fingerprint;
import io.relaycast.sfu.sdp.LocalTransport;
import io.relaycast.sfu.sdp.PublisherAnswerBuilder;
import io.relaycast.sfu.sdp.SdpException;
import io.relaycast.sfu.transport.PacketTransport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test doubles and packets for the room package: a transport that records, RTP with extensions, fixtures. */
final class RoomFixtures {
    /** Chrome's publisher offer (sfu/src/test/resources/sdp/chrome-offer.sdp): its SSRCs and numbering. */
    static final long CHROME_AUDIO_SSRC = 2355602123L;
    static final long CHROME_VIDEO_SSRC = 2482551667L;
    static final long CHROME_VIDEO_RTX_SSRC = 3381529357L;
    static final int OPUS = 111;
    static final int VP8 = 96;
    static final int VP8_RTX = 97;
    static final int EXT_AUDIO_LEVEL = 1;
    static final int EXT_ABS_SEND_TIME = 2;
    static final int EXT_TRANSPORT_CC = 3;
    static final int EXT_MID = 4;

    static final MediaPlane.CandidateSink NO_SIGNALING = new MediaPlane.CandidateSink() {
        @Override
        public void onLocalCandidate(IceCandidate candidate) {
        }
    };

    private RoomFixtures() {
    }

    static String sdp(String name) {
        try (InputStream in = RoomFixtures.class.getResourceAsStream("/sdp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n").replace("\n", "\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static PublishedTracks tracks(String offerSdp) throws SdpException {
        LocalTransport local = new LocalTransport("Rc7s", "q1VvZ0d8xHmP3kLw9TnB2sYc", Fingerprint.sha256(
                "3C:4E:91:0A:D2:7B:18:F6:55:0E:9C:A3:61:2D:B8:47:E0:19:76:C5:3F:8A:02:DD:B4:6E:91:27:5C:08:FA:13"),
                List.of());
        return new PublisherAnswerBuilder().answer(offerSdp, local).tracks();
    }

    static PublishedTracks chromeTracks() throws SdpException {
        return tracks(sdp("chrome-offer.sdp"));
    }

    /**
     * An RTP packet with {@code payloadLength} payload octets and RFC 8285 one-byte extension elements given as
     * {id, data...} arrays, with 64 free octets after it (room for an SRTP tag, as the receive buffers have).
     */
    static byte[] rtp(int pt, int seq, long timestamp, long ssrc, int payloadLength, byte[]... elements) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        for (byte[] e : elements) {
            ext.write(((e[0] & 0x0F) << 4) | (e.length - 2));
            ext.write(e, 1, e.length - 1);
        }
        while (ext.size() % 4 != 0) {
            ext.write(0);
        }
        int extLength = elements.length == 0 ? 0 : 4 + ext.size();
        byte[] p = new byte[12 + extLength + payloadLength];
        p[0] = (byte) (0x80 | (elements.length == 0 ? 0 : 0x10));
        p[1] = (byte) pt;
        BigEndian.put16(p, 2, seq & 0xFFFF);
        BigEndian.put32(p, 4, timestamp & 0xFFFF_FFFFL);
        BigEndian.put32(p, 8, ssrc);
        if (elements.length > 0) {
            BigEndian.put16(p, 12, 0xBEDE);
            BigEndian.put16(p, 14, ext.size() / 4);
            System.arraycopy(ext.toByteArray(), 0, p, 16, ext.size());
        }
        for (int i = 12 + extLength; i < p.length; i++) {
            p[i] = (byte) i;
        }
        return p;
    }

    static byte[] element(int id, byte... data) {
        byte[] e = new byte[data.length + 1];
        e[0] = (byte) id;
        System.arraycopy(data, 0, e, 1, data.length);
        return e;
    }

    static byte[] ascii(int id, String value) {
        return element(id, value.getBytes(StandardCharsets.US_ASCII));
    }

    static byte[] seq16(int id, int value) {
        return element(id, (byte) (value >> 8), (byte) value);
    }

    /** Copies the packet into a larger buffer, as a receive buffer would hold it, and hands it to the publisher. */
    static void receive(Publisher publisher, byte[] packet) {
        byte[] buf = Arrays.copyOf(packet, packet.length + 64);
        publisher.onRtp(buf, 0, packet.length);
    }

    /** A transport that keeps copies of what is sent, or only counts when {@code keep} is false. */
    static class RecordingTransport implements PacketTransport {
        final List<byte[]> rtp = new CopyOnWriteArrayList<>();
        final List<byte[]> rtcp = new CopyOnWriteArrayList<>();
        volatile boolean ready = true;
        volatile boolean accept = true;
        final boolean keep;
        long rtpCount;
        long rtcpCount;
        volatile boolean closed;

        RecordingTransport() {
            this(true);
        }

        RecordingTransport(boolean keep) {
            this.keep = keep;
        }

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            if (!accept) {
                return false;
            }
            rtpCount++;
            if (keep) {
                rtp.add(Arrays.copyOfRange(buf, off, off + len));
            }
            return true;
        }

        /** Already-protected bytes (a plain retransmission): recorded with the RTP, and in {@link #resent}. */
        final List<byte[]> resent = new CopyOnWriteArrayList<>();

        @Override
        public boolean sendProtectedRtp(byte[] buf, int off, int len) {
            if (!accept) {
                return false;
            }
            resent.add(Arrays.copyOfRange(buf, off, off + len));
            return sendRtp(buf, off, len);
        }

        @Override
        public boolean sendRtcp(byte[] buf, int off, int len) {
            if (!accept) {
                return false;
            }
            rtcpCount++;
            if (keep) {
                rtcp.add(Arrays.copyOfRange(buf, off, off + len));
            }
            return true;
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public int rtpOverhead() {
            return 16;
        }

        @Override
        public int rtcpOverhead() {
            return 20;
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public Map<String, Object> debugState() {
            return Map.of("fake", true);
        }
    }
}
