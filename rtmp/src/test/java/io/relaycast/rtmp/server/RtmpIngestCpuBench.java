package io.relaycast.rtmp.server;

import io.relaycast.rtmp.RtmpConfig;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;

/**
 * CPU per ingested RTMP stream on the server side: the RTMP threads of this JVM (event loop: chunks, FLV → RTP
 * H.264; the audio feeder and reader) plus the AAC → Opus ffmpeg, over a window of steady publishing by an ffmpeg
 * encoder (1280x720 30 fps x264, AAC). The SFU's forwarding is not included (measured in bench/sfu-forwarding).
 * Run: {@code java -cp ... io.relaycast.rtmp.server.RtmpIngestCpuBench [seconds]}; prints one JSON line.
 */
public final class RtmpIngestCpuBench {
    private RtmpIngestCpuBench() {
    }

    private static long rtmpThreadsCpuNanos(ThreadMXBean mx) {
        long sum = 0;
        for (ThreadInfo t : mx.dumpAllThreads(false, false)) {
            if (t.getThreadName().startsWith("rtmp-")) {
                long cpu = mx.getThreadCpuTime(t.getThreadId());
                sum += Math.max(0, cpu);
            }
        }
        return sum;
    }

    private static long transcoderCpuNanos() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains("libopus")).orElse(false))
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        TestMediaPlane media = new TestMediaPlane();
        TestGate gate = new TestGate();
        gate.keys.put("rk_bench", "bench");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        try (RtmpServer server = RtmpServer.start(RtmpConfig.defaults(-1), media, gate)) {
            Process encoder = new ProcessBuilder(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error",
                    "-re", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=48000", "-t", String.valueOf(seconds + 15), "-c:v", "libx264",
                    "-preset", "ultrafast", "-b:v", "2500k", "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    "-b:a", "128k", "-ac", "2", "-f", "flv", "rtmp://127.0.0.1:" + server.port() + "/live/rk_bench"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            RtmpServerTest.waitUntil("publishing", () -> media.publications.containsKey("bench")
                    && media.publications.get("bench").audioRtp.get() > 50, Duration.ofSeconds(30));
            Thread.sleep(3000); // past start-up
            TestMediaPlane.Counted c = media.publications.get("bench");
            long jvm0 = rtmpThreadsCpuNanos(mx);
            long ff0 = transcoderCpuNanos();
            long video0 = c.videoRtp.get();
            long t0 = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            double wall = (System.nanoTime() - t0) / 1e9;
            double jvm = (rtmpThreadsCpuNanos(mx) - jvm0) / 1e9 / wall;
            double ff = (transcoderCpuNanos() - ff0) / 1e9 / wall;
            double pps = (c.videoRtp.get() - video0) / wall;
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            System.out.printf("{\"seconds\":%.1f,\"rtmpThreadsCores\":%.4f,\"opusTranscoderCores\":%.4f,"
                    + "\"totalCores\":%.4f,\"videoRtpPerSecond\":%.0f,\"loadAverage\":%.1f}%n", wall, jvm, ff,
                    jvm + ff, pps, load);
            encoder.destroyForcibly();
        }
    }
}
