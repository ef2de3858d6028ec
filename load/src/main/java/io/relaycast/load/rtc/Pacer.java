package io.relaycast.load.rtc;

import io.relaycast.sfu.rtcp.NtpTime;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.SenderReport;
import io.relaycast.sfu.rtcp.SourceDescription;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The synthetic broadcaster's media: VP8 at 30 frames/s with a keyframe every {@code gopFrames} frames (4x an
 * inter frame) and at once on PLI/FIR, cut into packets of at most 1,200 payload octets, plus Opus at 50
 * packets/s. Real RTP headers: sequence numbers, 90 kHz / 48 kHz timestamps, marker on a frame's last packet,
 * one-byte header extensions (abs-send-time, transport-wide sequence number, audio level, mid for the first
 * second). Payloads: a VP8 payload descriptor (RFC 7741: S bit, PartID 0) and payload header whose P bit says
 * key or inter frame; the rest is filler, whose last 8 octets carry {@link System#nanoTime()} at send (the
 * "payload stamp": servers that rewrite abs-send-time, as Janus does, still forward it untouched). Sender reports
 * once a second. Everything goes out of this one thread through a {@link Sink}: SRTP to our SFU's shared port, or
 * plain RTP to a Janus streaming mountpoint.
 */
public final class Pacer implements Runnable {
    /** Where the publisher's packets go. */
    public interface Sink {
        /** Sends one RTP packet (plain in {@code buf}); returns the octets put on the wire, or -1 if dropped. */
        int rtp(byte[] buf, int len, boolean video);

        /** Sends one plain RTCP compound packet (sender report + SDES), or drops it where nobody listens. */
        void rtcp(byte[] buf, int len);
    }

    /** Publisher → our SFU: SRTP over the publisher peer's ICE/DTLS transport. */
    public static Sink srtp(Peer peer) {
        return new Sink() {
            @Override
            public int rtp(byte[] buf, int len, boolean video) {
                int n = peer.srtp.protectRtp(buf, 0, len);
                if (n < 0) {
                    return -1;
                }
                try {
                    return peer.channel.write(ByteBuffer.wrap(buf, 0, n)) == 0 ? -1 : n;
                } catch (IOException e) {
                    return -1;
                }
            }

            @Override
            public void rtcp(byte[] buf, int len) {
                int n = peer.srtp.protectRtcp(buf, 0, len);
                if (n > 0) {
                    peer.sendRaw(buf, 0, n);
                }
            }
        };
    }

    public static final int FPS = 30;
    public static final int MAX_PAYLOAD = 1200;
    public static final int OPUS_PAYLOAD = 120;

    private final Sink sink;
    private final long audioSsrc;
    private final long videoSsrc;
    private final int interFrameBytes;
    private final int keyFrameBytes;
    private final int gopFrames;
    private final AtomicBoolean keyframeRequested = new AtomicBoolean();
    private final byte[] buf = new byte[1500 + 64];
    private final byte[] rtcp = new byte[512];
    private final byte[] cname = "bench".getBytes(StandardCharsets.US_ASCII);
    private volatile boolean running = true;
    private Thread thread;
    /** 0: a frame's packets leave in one burst; else spread at this multiple of the video bitrate (see setPacing). */
    private double pacing;
    private final int videoBitrate;

    // the frame being paced out: its packets [nextPacket, framePackets) are still to send
    private boolean frameKey;
    private long frameTimestamp;
    private int framePackets;
    private int frameEach;
    private int nextPacket;
    private long nextPacketAt;

    private int videoSeq = 1000;
    private int audioSeq = 5000;
    private int twcc;
    private long packetsSent;

    // counters read by the bench
    public volatile long videoPackets;
    public volatile long audioPackets;
    public volatile long wireBytes; // SRTP datagrams + 28 octets of UDP/IPv4 header each
    public volatile long payloadBytes;
    public volatile long keyframes;
    public volatile long keyframesOnRequest;
    public volatile long sendDrops;
    public volatile long lastRequestToKeyframeNanos;
    public volatile long requestedAtNanos;

    /** @param videoBitrate video payload bits per second; inter and key frame sizes follow from it */
    public Pacer(Sink sink, long audioSsrc, long videoSsrc, int videoBitrate, int gopFrames) {
        this.sink = sink;
        this.audioSsrc = audioSsrc;
        this.videoSsrc = videoSsrc;
        this.gopFrames = gopFrames;
        this.videoBitrate = videoBitrate;
        double avgFrame = videoBitrate / 8.0 / FPS;
        this.interFrameBytes = (int) (avgFrame * gopFrames / (gopFrames + 3)); // a key frame is 4 inter frames
        this.keyFrameBytes = 4 * interFrameBytes;
    }

    /**
     * Spreads each video frame's packets at {@code factor} times the video bitrate instead of sending them in one
     * burst, as a browser's pacer does (libwebrtc's PacingController paces at 2.5x the target rate by default), so a
     * key frame of 20 packets leaves over ~50 ms at 1.5 Mbit/s, not at once. 0 (the default) keeps the burst: the
     * worst case for a server's queueing. Call before {@link #start}.
     */
    public void setPacing(double factor) {
        this.pacing = factor;
    }

    public void start() {
        thread = new Thread(this, "bench-publisher");
        thread.setDaemon(true);
        thread.start();
    }

    public void requestKeyframe() {
        if (keyframeRequested.compareAndSet(false, true)) {
            requestedAtNanos = System.nanoTime();
        }
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        long t0 = System.nanoTime();
        long frameNs = 1_000_000_000L / FPS;
        long audioNs = 20_000_000L;
        long nextFrame = t0;
        long nextAudio = t0;
        long nextReport = t0 + 1_000_000_000L;
        long frame = 0;
        long audioTs = 0;
        while (running) {
            long now = System.nanoTime();
            if (keyframeRequested.getAndSet(false)) {
                flushFrame();
                beginFrame(true, (now - t0) * 90 / 1_000_000, now);
                keyframesOnRequest++;
                lastRequestToKeyframeNanos = System.nanoTime() - requestedAtNanos;
            }
            if (now >= nextFrame) {
                flushFrame(); // a paced frame never overlaps the next one: at >= 1x the bitrate it is done by then
                boolean key = frame % gopFrames == 0;
                beginFrame(key, (nextFrame - t0) * 90 / 1_000_000, now);
                frame++;
                nextFrame += frameNs;
            }
            while (nextPacket < framePackets && System.nanoTime() >= nextPacketAt) {
                sendVideoPacket(nextPacket++);
                nextPacketAt += packetIntervalNanos();
            }
            if (now >= nextAudio) {
                sendAudio(audioTs);
                audioTs += 960;
                nextAudio += audioNs;
            }
            if (now >= nextReport) {
                senderReports(now, t0, audioTs);
                nextReport += 1_000_000_000L;
            }
            long next = Math.min(nextFrame, nextAudio);
            if (nextPacket < framePackets) {
                next = Math.min(next, nextPacketAt);
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /**
     * Gap between two paced video packets: a packet's bits at {@code pacing} x the video bitrate, but never so long
     * that the frame outlasts its 1/30 s (a key frame, 4x an inter frame, would otherwise run into the next frame;
     * libwebrtc's pacer likewise drains a queue that would grow); 0 = burst.
     */
    private long packetIntervalNanos() {
        if (pacing <= 0) {
            return 0;
        }
        long byRate = (long) (frameEach * 8 * 1e9 / (pacing * videoBitrate));
        return Math.min(byRate, 1_000_000_000L / FPS / framePackets);
    }

    private void beginFrame(boolean key, long timestamp, long now) {
        int bytes = key ? keyFrameBytes : interFrameBytes;
        frameKey = key;
        frameTimestamp = timestamp;
        framePackets = (bytes + MAX_PAYLOAD - 1) / MAX_PAYLOAD;
        frameEach = bytes / framePackets;
        nextPacket = 0;
        nextPacketAt = now;
        if (key) {
            keyframes++;
        }
        if (pacing <= 0) {
            flushFrame();
        }
    }

    private void flushFrame() {
        while (nextPacket < framePackets) {
            sendVideoPacket(nextPacket++);
        }
    }

    private void sendVideoPacket(int i) {
        boolean key = frameKey;
        int packets = framePackets;
        int each = frameEach;
        long timestamp = frameTimestamp;
        int at = header(Sdp.VP8, videoSeq++, timestamp, videoSsrc, i == packets - 1, false, "1");
        int start = at;
        buf[at++] = (byte) (i == 0 ? 0x10 : 0x00); // VP8 descriptor: X=0, N=0, S=start of partition, PartID=0
        if (i == 0) {
            // VP8 payload header (RFC 6386 section 9.1): frame tag with P (bit 0) = 0 for a key frame
            buf[at++] = (byte) (key ? 0x10 : 0x11);
            buf[at++] = 0x02;
            buf[at++] = 0x00;
            if (key) {
                buf[at++] = (byte) 0x9d; // start code, then 640x360
                buf[at++] = 0x01;
                buf[at++] = 0x2a;
                buf[at++] = (byte) 0x80;
                buf[at++] = 0x02;
                buf[at++] = 0x68;
                buf[at++] = 0x01;
            }
        }
        int end = start + each;
        for (int j = at; j < end; j++) {
            buf[j] = (byte) j;
        }
        if (end - at >= 8) {
            putLong(end - 8, System.nanoTime()); // the payload stamp (class comment)
        }
        send(end, each, true);
        videoPackets++;
    }

    private void sendAudio(long timestamp) {
        int at = header(Sdp.OPUS, audioSeq++, timestamp, audioSsrc, false, true, "0");
        for (int j = 0; j < OPUS_PAYLOAD; j++) {
            buf[at + j] = (byte) (j * 7);
        }
        send(at + OPUS_PAYLOAD, OPUS_PAYLOAD, false);
        audioPackets++;
    }

    /** Writes the fixed header and the one-byte extension block; returns the payload offset. */
    private int header(int pt, int seq, long timestamp, long ssrc, boolean marker, boolean audio, String mid) {
        buf[0] = (byte) 0x90; // V=2, X=1
        buf[1] = (byte) ((marker ? 0x80 : 0) | pt);
        buf[2] = (byte) (seq >>> 8);
        buf[3] = (byte) seq;
        putInt(4, timestamp);
        putInt(8, ssrc);
        int at = 16;
        buf[at++] = (byte) ((Sdp.EXT_ABS_SEND_TIME << 4) | 2);
        int abs = AbsSendTime.of(System.nanoTime());
        buf[at++] = (byte) (abs >>> 16);
        buf[at++] = (byte) (abs >>> 8);
        buf[at++] = (byte) abs;
        buf[at++] = (byte) ((Sdp.EXT_TRANSPORT_CC << 4) | 1);
        int t = twcc++ & 0xFFFF;
        buf[at++] = (byte) (t >>> 8);
        buf[at++] = (byte) t;
        if (audio) {
            buf[at++] = (byte) (Sdp.EXT_AUDIO_LEVEL << 4);
            buf[at++] = (byte) 0x9e; // voice, -30 dBov
        }
        if (packetsSent < 150) {
            buf[at++] = (byte) (Sdp.EXT_MID << 4);
            buf[at++] = (byte) mid.charAt(0);
        }
        while (((at - 16) & 3) != 0) {
            buf[at++] = 0;
        }
        int words = (at - 16) / 4;
        buf[12] = (byte) 0xBE;
        buf[13] = (byte) 0xDE;
        buf[14] = (byte) (words >>> 8);
        buf[15] = (byte) words;
        packetsSent++;
        return at;
    }

    private void send(int len, int payload, boolean video) {
        int n = sink.rtp(buf, len, video);
        if (n < 0) {
            sendDrops++;
            return;
        }
        wireBytes += n + 28;
        payloadBytes += payload;
    }

    private void senderReports(long now, long t0, long audioTs) {
        long ntp = NtpTime.fromUnixMillis(System.currentTimeMillis());
        long videoTs = (now - t0) * 90 / 1_000_000;
        long audioNow = (now - t0) * 48 / 1_000_000;
        for (int k = 0; k < 2; k++) {
            long ssrc = k == 0 ? videoSsrc : audioSsrc;
            int len = SenderReport.write(rtcp, 0, ssrc, ntp, k == 0 ? videoTs : audioNow,
                    k == 0 ? videoPackets : audioPackets, payloadBytes, new ReportBlock[0], 0);
            int sdes = SourceDescription.writeCname(rtcp, len, ssrc, cname, 0, cname.length);
            sink.rtcp(rtcp, len + sdes);
        }
    }

    private void putInt(int at, long v) {
        buf[at] = (byte) (v >>> 24);
        buf[at + 1] = (byte) (v >>> 16);
        buf[at + 2] = (byte) (v >>> 8);
        buf[at + 3] = (byte) v;
    }

    private void putLong(int at, long v) {
        putInt(at, v >>> 32);
        putInt(at + 4, v);
    }

    public void stop() {
        running = false;
        LockSupport.unpark(thread);
    }
}
