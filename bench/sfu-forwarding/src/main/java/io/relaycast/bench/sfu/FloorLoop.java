package io.relaycast.bench.sfu;

import io.relaycast.load.rtc.*;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpProfile;
import io.relaycast.sfu.srtp.SrtpRole;
import io.relaycast.sfu.srtp.SrtpSession;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The cost floor of forwarding (issue 16, item 2), measured in the same run as the servers: one thread, for every
 * publisher packet and every viewer, copies the packet, SRTP-protects it with that viewer's own session (our srtp
 * package, the profile and crypto backend the SFU negotiated) and sends it with {@link DatagramChannel#send} to the
 * viewer's socket on loopback. Nothing else: no receive, no unprotect, no rewriting, no RTCP, no ICE. The viewers
 * are loopback sockets read by the same reactor threads as the bench's viewers (on loopback the sender's
 * {@code sendto} also delivers into the receiver's socket, so the receivers must be real). Paced at the stream's
 * packet rate, with its mix of video (1,200-octet payloads) and audio (120) packets, so the receivers keep up as
 * they do for the servers. Result: the thread's CPU time per packet sent.
 */
final class FloorLoop {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SSRC = 0x44444444L;

    private FloorLoop() {
    }

    static ObjectNode run(int viewers, SrtpProfile profile, double packetsPerSecond, int seconds,
                          List<Reactor> reactors, DtlsCertificate cert) throws Exception {
        List<Peer> sinks = new ArrayList<>();
        InetSocketAddress[] to = new InetSocketAddress[viewers];
        SrtpSession[] sessions = new SrtpSession[viewers];
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < viewers; i++) {
            Peer p = new Peer("floor" + i, Peer.Role.VIEWER, false, cert, 256 * 1024);
            p.videoSsrc = SSRC;
            reactors.get(i % reactors.size()).add(p);
            sinks.add(p);
            to[i] = new InetSocketAddress(InetAddress.getLoopbackAddress(), p.localPort());
            byte[] key = new byte[profile.masterKeyLength()];
            byte[] salt = new byte[profile.masterSaltLength()];
            random.nextBytes(key);
            random.nextBytes(salt);
            sessions[i] = new SrtpSession(new SrtpKeyingMaterial(profile, key, salt, key, salt), SrtpRole.SERVER);
        }
        byte[] video = template(Pacer.MAX_PAYLOAD);
        byte[] audio = template(Pacer.OPUS_PAYLOAD);
        long[] result = new long[4];
        Thread t = new Thread(() -> result[0] = loop(sessions, to, video, audio, packetsPerSecond, seconds, result),
                "bench-floor");
        t.start();
        t.join();
        Thread.sleep(300); // the last datagrams reach the reactors
        long received = 0;
        for (Peer p : sinks) {
            received += p.received[1];
            p.close();
        }
        long cpu = result[0];
        long sent = result[1];
        long protectCpu = protectOnly(sessions, video, audio, (int) result[3],
                (int) Math.min(sent / Math.max(1, viewers), 4000));
        for (SrtpSession s : sessions) {
            s.close();
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("viewers", viewers);
        out.put("profile", profile.name());
        out.put("packetsSent", sent);
        out.put("receivedFraction", result[2] == 0 ? 0 : Ramp.round6(received / (double) result[2]));
        out.put("threadCpuSeconds", Ramp.round(cpu / 1e9));
        out.put("microsPerPacket", sent == 0 ? -1 : Ramp.round(cpu / 1e3 / sent));
        // the same copies and protects without the sends: how the floor splits between crypto and the kernel
        long protects = (long) Math.min(sent / Math.max(1, viewers), 4000) * viewers;
        out.put("protectMicrosPerPacket", protects == 0 ? -1 : Ramp.round(protectCpu / 1e3 / protects));
        return out;
    }

    /** Copy + protect only, {@code packetTimes} × every session, unpaced, on this thread; returns its CPU ns. */
    private static long protectOnly(SrtpSession[] sessions, byte[] video, byte[] audio, int firstSeq,
                                    int packetTimes) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        byte[] buf = new byte[2048];
        long start = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < packetTimes; i++) {
            // right after the sending loop's sequence numbers: jitsi-srtp checks its replay window on protect too
            int seq = firstSeq + i;
            boolean isAudio = (seq & 3) == 3;
            byte[] template = isAudio ? audio : video;
            int len = template.length - 64;
            for (SrtpSession s : sessions) {
                System.arraycopy(template, 0, buf, 0, len);
                buf[2] = (byte) (seq >>> 8);
                buf[3] = (byte) seq;
                s.protectRtp(buf, 0, len);
            }
        }
        return mx.getCurrentThreadCpuTime() - start;
    }

    /** RTP header (V=2, X=1, PT 96), one abs-send-time element, then {@code payload} filler octets. */
    private static byte[] template(int payload) {
        byte[] b = new byte[12 + 8 + payload + 64];
        b[0] = (byte) 0x90;
        b[1] = 96;
        b[8] = 0x44;
        b[9] = 0x44;
        b[10] = 0x44;
        b[11] = 0x44;
        b[12] = (byte) 0xBE;
        b[13] = (byte) 0xDE;
        b[15] = 1;
        b[16] = (byte) ((Sdp.EXT_ABS_SEND_TIME << 4) | 2);
        for (int i = 20; i < 20 + payload; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    /**
     * About a second of packets as warm-up (each session's first protect derives its keys; the JIT compiles the
     * loop), then {@code seconds} of packets measured: counted in packets, not wall time, so a stall on a busy
     * machine does not shorten the window. Returns the measured thread CPU nanoseconds; result[1] = packets sent.
     */
    private static long loop(SrtpSession[] sessions, InetSocketAddress[] to, byte[] video, byte[] audio,
                             double packetsPerSecond, int seconds, long[] result) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        byte[] buf = new byte[2048];
        ByteBuffer direct = ByteBuffer.allocateDirect(2048);
        long interval = (long) (1e9 / packetsPerSecond);
        int warmup = (int) packetsPerSecond;
        int total = warmup + (int) (packetsPerSecond * seconds);
        int videoLen = video.length - 64;
        int audioLen = audio.length - 64;
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            long cpuAtMeasure = 0;
            long sentAtMeasure = 0;
            long sent = 0;
            long next = System.nanoTime();
            for (int seq = 0; seq < total; seq++) {
                if (seq == warmup) {
                    cpuAtMeasure = mx.getCurrentThreadCpuTime();
                    sentAtMeasure = sent;
                }
                long now;
                while ((now = System.nanoTime()) < next) {
                    LockSupport.parkNanos(next - now);
                }
                // the stream's pace; after a stall (someone else's burst) carry on from now instead of bursting
                next = Math.max(next + interval, now - interval);
                // the stream's mix: about one packet in four is audio (50 of ~207 packets/s)
                boolean isAudio = (seq & 3) == 3;
                byte[] template = isAudio ? audio : video;
                int len = isAudio ? audioLen : videoLen;
                for (int v = 0; v < sessions.length; v++) {
                    System.arraycopy(template, 0, buf, 0, len);
                    buf[2] = (byte) (seq >>> 8);
                    buf[3] = (byte) seq;
                    int n = sessions[v].protectRtp(buf, 0, len);
                    if (n < 0) {
                        continue;
                    }
                    direct.clear();
                    direct.put(buf, 0, n).flip();
                    ch.send(direct, to[v]);
                    sent++;
                }
            }
            result[1] = sent - sentAtMeasure;
            result[2] = sent;
            result[3] = total;
            return mx.getCurrentThreadCpuTime() - cpuAtMeasure;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("floor loop: " + e, e);
        }
    }
}
