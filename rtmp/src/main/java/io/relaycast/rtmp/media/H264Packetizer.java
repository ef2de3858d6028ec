package io.relaycast.rtmp.media;

import java.util.concurrent.ThreadLocalRandom;

/**
 * RTP packetization of H.264 access units (RFC 6184, packetization-mode 1, section 6.3): a NAL unit that fits is
 * sent as a single NAL unit packet (section 5.6), a larger one as FU-A fragments (section 5.8). The marker bit is
 * set on the last packet of an access unit (section 5.1); the timestamp is the 90 kHz presentation time. SPS and
 * PPS go in front of every IDR picture that does not carry them, so a viewer joining at any keyframe can decode.
 * One packet buffer, reused: the sink must use the packet before returning.
 */
public final class H264Packetizer {
    /** RTP payload per packet: a 1,200-octet packet with its 12-octet header fits any path WebRTC uses. */
    static final int MAX_PAYLOAD = 1188;
    private static final int HEADER = 12;

    /** Where finished RTP packets go (the SFU's local publication). */
    public interface Sink {
        void onRtp(byte[] buf, int off, int len);
    }

    private final long ssrc;
    private final int payloadType;
    private final Sink sink;
    private final byte[] packet = new byte[HEADER + MAX_PAYLOAD + 64];
    private int sequence = ThreadLocalRandom.current().nextInt(0x10000);
    private long packets;
    private long octets;
    private AvcDecoderConfiguration config;

    public H264Packetizer(long ssrc, int payloadType, Sink sink) {
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.sink = sink;
    }

    public void configure(AvcDecoderConfiguration config) {
        this.config = config;
    }

    public AvcDecoderConfiguration configuration() {
        return config;
    }

    public long packets() {
        return packets;
    }

    public long octets() {
        return octets;
    }

    /**
     * Sends one access unit in AVCC form (NAL units each behind a big-endian length of the configured size).
     *
     * @return false when the frame is malformed (nothing, or part of it, was sent) or no configuration came yet
     */
    public boolean sendAccessUnit(byte[] data, int off, int len, long rtpTimestamp) {
        AvcDecoderConfiguration c = config;
        if (c == null) {
            return false;
        }
        int lengthSize = c.nalLengthSize();
        int end = off + len;
        // pass 1: validate the framing, see whether it is an IDR and already carries parameter sets
        boolean idr = false;
        boolean hasSps = false;
        int last = -1;
        for (int p = off; p < end; ) {
            if (end - p < lengthSize) {
                return false;
            }
            int n = length(data, p, lengthSize);
            p += lengthSize;
            if (n <= 0 || n > end - p) {
                return false;
            }
            int type = data[p] & 0x1F;
            idr |= type == 5;
            hasSps |= type == 7;
            if (sent(type)) {
                last = p;
            }
            p += n;
        }
        if (last < 0) {
            return false;
        }
        if (idr && !hasSps) {
            for (byte[] sps : c.sps()) {
                sendNal(sps, 0, sps.length, rtpTimestamp, false);
            }
            for (byte[] pps : c.pps()) {
                sendNal(pps, 0, pps.length, rtpTimestamp, false);
            }
        }
        for (int p = off; p < end; ) {
            int n = length(data, p, lengthSize);
            p += lengthSize;
            int type = data[p] & 0x1F;
            if (sent(type)) {
                sendNal(data, p, n, rtpTimestamp, p == last);
            }
            p += n;
        }
        return true;
    }

    /**
     * Access unit delimiters (9) are not sent (RFC 6184 section 5.3 allows dropping them). Types 0 and 24-31 are
     * unspecified in H.264 and are the RTP payload format's own (STAP, MTAP, FU; RFC 6184 table 1): sent as a single
     * NAL unit packet, one would be read by every receiver as an aggregation or fragment of something else, so an
     * encoder's NAL unit of such a type is dropped (FlvFuzzTest found one).
     */
    private static boolean sent(int type) {
        return type != 9 && type != 0 && type < 24;
    }

    private static int length(byte[] d, int p, int size) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            n = (n << 8) | (d[p + i] & 0xFF);
        }
        return n;
    }

    private void sendNal(byte[] nal, int off, int len, long ts, boolean endOfFrame) {
        if (len <= MAX_PAYLOAD) {
            header(ts, endOfFrame);
            System.arraycopy(nal, off, packet, HEADER, len);
            emit(HEADER + len);
            return;
        }
        // FU-A (section 5.8): indicator carries F and NRI of the NAL header, type 28; the FU header its type
        int nalHeader = nal[off] & 0xFF;
        int indicator = (nalHeader & 0xE0) | 28;
        int type = nalHeader & 0x1F;
        int p = off + 1;
        int remaining = len - 1;
        boolean first = true;
        while (remaining > 0) {
            int n = Math.min(MAX_PAYLOAD - 2, remaining);
            boolean lastFragment = n == remaining;
            header(ts, endOfFrame && lastFragment);
            packet[HEADER] = (byte) indicator;
            packet[HEADER + 1] = (byte) ((first ? 0x80 : 0) | (lastFragment ? 0x40 : 0) | type);
            System.arraycopy(nal, p, packet, HEADER + 2, n);
            emit(HEADER + 2 + n);
            p += n;
            remaining -= n;
            first = false;
        }
    }

    private void header(long ts, boolean marker) {
        packet[0] = (byte) 0x80;
        packet[1] = (byte) ((marker ? 0x80 : 0) | payloadType);
        packet[2] = (byte) (sequence >>> 8);
        packet[3] = (byte) sequence;
        packet[4] = (byte) (ts >>> 24);
        packet[5] = (byte) (ts >>> 16);
        packet[6] = (byte) (ts >>> 8);
        packet[7] = (byte) ts;
        packet[8] = (byte) (ssrc >>> 24);
        packet[9] = (byte) (ssrc >>> 16);
        packet[10] = (byte) (ssrc >>> 8);
        packet[11] = (byte) ssrc;
        sequence = (sequence + 1) & 0xFFFF;
    }

    private void emit(int len) {
        packets++;
        octets += len - HEADER;
        sink.onRtp(packet, 0, len);
    }
}
