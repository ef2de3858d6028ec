package io.relaycast.web.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * This server's ffmpeg children by purpose, with their CPU time: {@code hls} (the HLS ladder), {@code recording},
 * {@code audio} (RTMP's AAC to Opus), {@code other}. CPU is a counter: the CPU of every process seen alive, kept
 * after it exits (at its last reading: at most one refresh interval of a dying process is lost). Read at most once a
 * second, on scrape.
 */
final class FfmpegProcesses {
    static final List<String> PURPOSES = List.of("hls", "recording", "audio", "other");

    private final Map<Long, Seen> seen = new HashMap<>();
    private final Map<String, Double> finishedCpu = new HashMap<>();
    private Snapshot last = new Snapshot(Map.of(), Map.of());
    private long lastAt;

    private record Seen(String purpose, double cpuSeconds) {
    }

    record Snapshot(Map<String, Integer> count, Map<String, Double> cpu) {
        double processes(String purpose) {
            return count.getOrDefault(purpose, 0);
        }

        double cpuSeconds(String purpose) {
            return cpu.getOrDefault(purpose, 0.0);
        }
    }

    synchronized Snapshot snapshot() {
        long now = System.nanoTime();
        if (now - lastAt < 1_000_000_000L && lastAt != 0) {
            return last;
        }
        lastAt = now;
        Map<Long, Seen> alive = new HashMap<>();
        ProcessHandle.current().descendants().forEach(p -> {
            ProcessHandle.Info info = p.info();
            String cmd = info.command().orElse("");
            if (!cmd.endsWith("ffmpeg")) {
                return;
            }
            String purpose = purpose(info.arguments().orElse(new String[0]));
            double cpu = info.totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(0.0);
            alive.put(p.pid(), new Seen(purpose, cpu));
        });
        for (Map.Entry<Long, Seen> e : seen.entrySet()) {
            if (!alive.containsKey(e.getKey())) {
                finishedCpu.merge(e.getValue().purpose(), e.getValue().cpuSeconds(), Double::sum);
            }
        }
        seen.clear();
        seen.putAll(alive);
        Map<String, Integer> count = new HashMap<>();
        Map<String, Double> cpu = new HashMap<>(finishedCpu);
        for (Seen s : alive.values()) {
            count.merge(s.purpose(), 1, Integer::sum);
            cpu.merge(s.purpose(), s.cpuSeconds(), Double::sum);
        }
        last = new Snapshot(count, cpu);
        return last;
    }

    static String purpose(String[] args) {
        String all = String.join(" ", args);
        // the LL-HLS ladder writes fragmented MP4 into its renditions' pipes (r<N>/media.fifo)
        if (all.contains("-f hls") || all.contains("hls_time") || all.contains("/media.fifo")) {
            return "hls";
        }
        if (all.contains("libopus")) {
            return "audio";
        }
        if (all.contains("matroska") || all.contains("recordings")) {
            return "recording";
        }
        return "other";
    }
}
