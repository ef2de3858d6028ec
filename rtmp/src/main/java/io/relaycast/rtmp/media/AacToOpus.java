package io.relaycast.rtmp.media;

import io.relaycast.recorder.Ffmpeg;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * AAC to Opus with ffmpeg (we never encode audio ourselves): AAC frames go to ffmpeg's stdin as ADTS, ffmpeg sends
 * Opus RTP to a loopback port of ours, and we restamp each packet onto the publication's audio clock.
 *
 * <p>Timing: ffmpeg's RTP timestamps advance by the samples it encoded from a random start. The first packet's
 * timestamp is mapped to the RTP time of the first AAC frame's FLV timestamp ({@link Clock}); later packets keep
 * ffmpeg's sample spacing from there. Video timestamps come from the same FLV clock, so sender reports that map
 * both clocks to one wall clock keep lips in sync (to the encoder's ~6.5 ms Opus look-ahead).
 *
 * <p>Threads: the caller (a Netty event loop) only queues frames; a writer thread feeds ffmpeg (a slow ffmpeg
 * makes frames drop and be counted, never the event loop wait) and a reader thread hands packets to the sink.
 */
public final class AacToOpus implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AacToOpus.class);

    /** Maps FLV milliseconds to the publication's 48 kHz audio RTP time. */
    public interface Clock {
        long audioRtpAt(long flvMillis);
    }

    private final String ffmpeg;
    private final int kbps;
    private final long ssrc;
    private final int payloadType;
    private final H264Packetizer.Sink sink;
    private final Clock clock;
    private final String name;
    private final BlockingQueue<byte[]> queue;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder packetsOut = new LongAdder();
    private volatile boolean closed;
    private AacConfig config;
    private long firstFrameFlvMillis = -1;
    private DatagramSocket socket;
    private Ffmpeg.Running process;

    public AacToOpus(String ffmpeg, int kbps, int queueFrames, long ssrc, int payloadType, H264Packetizer.Sink sink,
                     Clock clock, String name) {
        this.ffmpeg = ffmpeg;
        this.kbps = kbps;
        this.ssrc = ssrc;
        this.payloadType = payloadType;
        this.sink = sink;
        this.clock = clock;
        this.name = name;
        this.queue = new ArrayBlockingQueue<>(queueFrames);
    }

    /** The AAC sequence header; starts ffmpeg on the first one. False when it is not AAC ffmpeg can take as ADTS. */
    public boolean configure(byte[] data, int off, int len) throws IOException {
        AacConfig c = AacConfig.parse(data, off, len);
        if (c == null) {
            return false;
        }
        if (config != null) {
            return c.equals(config); // a changed format mid-stream would need a new ffmpeg; not supported
        }
        config = c;
        start();
        return true;
    }

    /** One raw AAC frame at FLV time {@code flvMillis}; dropped (and counted) when ffmpeg lags. */
    public void onFrame(byte[] data, int off, int len, long flvMillis) {
        AacConfig c = config;
        if (c == null || closed || len <= 0 || len > 8191 - AacConfig.ADTS_HEADER) {
            return;
        }
        if (firstFrameFlvMillis < 0) {
            firstFrameFlvMillis = flvMillis;
        }
        byte[] adts = new byte[AacConfig.ADTS_HEADER + len];
        c.writeAdtsHeader(adts, 0, len);
        System.arraycopy(data, off, adts, AacConfig.ADTS_HEADER, len);
        if (!queue.offer(adts)) {
            dropped.increment();
        }
    }

    public long framesDropped() {
        return dropped.sum();
    }

    public long packetsOut() {
        return packetsOut.sum();
    }

    private void start() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = socket.getLocalPort();
        String target = "rtp://127.0.0.1:" + port + "?rtcpport=" + port + "&pkt_size=1200";
        List<String> cmd = List.of(ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning",
                "-fflags", "nobuffer", "-probesize", "32", "-analyzeduration", "0", "-f", "aac", "-i", "pipe:0",
                "-map", "0:a", "-c:a", "libopus", "-b:a", kbps + "k", "-ar", "48000", "-ac", "2",
                "-frame_duration", "20", "-application", "audio", "-payload_type", String.valueOf(payloadType),
                "-flush_packets", "1", "-f", "rtp", target);
        process = Ffmpeg.start(cmd, null, name);
        Thread writer = new Thread(this::feed, "rtmp-aac-in-" + name);
        writer.setDaemon(true);
        writer.start();
        Thread reader = new Thread(this::receive, "rtmp-opus-out-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void feed() {
        try (OutputStream in = process.process.getOutputStream()) {
            while (!closed) {
                byte[] frame = queue.poll(200, TimeUnit.MILLISECONDS);
                if (frame != null) {
                    in.write(frame);
                    in.flush();
                }
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.warn("RTMP {}: ffmpeg (AAC to Opus) stopped taking audio: {}", name, process.tail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void receive() {
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        long offset = 0;
        boolean mapped = false;
        try {
            while (!closed) {
                socket.receive(p);
                int len = p.getLength();
                int pt = buf[1] & 0xFF;
                if (len < 12 || (buf[0] & 0xC0) != 0x80 || pt >= 200 && pt <= 207) {
                    continue; // ffmpeg's own RTCP on the same port, or not RTP
                }
                if (!socket.isConnected()) {
                    socket.connect(p.getSocketAddress()); // from now on only ffmpeg's socket is heard
                }
                long ts = ((buf[4] & 0xFFL) << 24) | ((buf[5] & 0xFFL) << 16) | ((buf[6] & 0xFFL) << 8)
                        | (buf[7] & 0xFFL);
                if (!mapped) {
                    offset = clock.audioRtpAt(Math.max(0, firstFrameFlvMillis)) - ts;
                    mapped = true;
                }
                long out = (ts + offset) & 0xFFFF_FFFFL;
                buf[1] = (byte) ((buf[1] & 0x80) | payloadType);
                buf[4] = (byte) (out >>> 24);
                buf[5] = (byte) (out >>> 16);
                buf[6] = (byte) (out >>> 8);
                buf[7] = (byte) out;
                buf[8] = (byte) (ssrc >>> 24);
                buf[9] = (byte) (ssrc >>> 16);
                buf[10] = (byte) (ssrc >>> 8);
                buf[11] = (byte) ssrc;
                packetsOut.increment();
                sink.onRtp(buf, 0, len);
            }
        } catch (IOException e) {
            // closed
        }
    }

    @Override
    public void close() {
        closed = true;
        if (process != null) {
            Ffmpeg.Running p = process;
            // not on the caller's thread (an event loop): stopping may wait up to a second for ffmpeg to exit
            Thread stopper = new Thread(() -> p.stop(1000), "rtmp-ffmpeg-stop-" + name);
            stopper.setDaemon(true);
            stopper.start();
        }
        if (socket != null) {
            socket.close();
        }
    }
}
