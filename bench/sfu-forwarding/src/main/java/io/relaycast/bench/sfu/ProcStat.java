package io.relaycast.bench.sfu;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU of a server process and of each of its threads from {@code /proc/<pid>/stat} and
 * {@code /proc/<pid>/task/<tid>/stat} (proc(5): utime and stime, fields 14 and 15, in clock ticks). Works the same
 * for the SFU's JVM (where it also sees GC and JIT threads, which ThreadMXBean does not) and for Janus.
 */
final class ProcStat {
    private static final long TICK_NANOS = 1_000_000_000L / clockTicksPerSecond();

    /** One thread's CPU so far. */
    record ThreadCpu(int tid, String name, long cpuNanos) {
    }

    /** A process's CPU so far and its threads'. */
    record Sample(long processCpuNanos, Map<Integer, ThreadCpu> threads) {
    }

    private ProcStat() {
    }

    static Sample sample(long pid) throws IOException {
        long process = cpuNanos(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        Map<Integer, ThreadCpu> threads = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int tid = Integer.parseInt(task.getFileName().toString());
                    threads.put(tid, new ThreadCpu(tid, stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
                            cpuNanos(stat)));
                } catch (NoSuchFileException e) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return new Sample(process, threads);
    }

    /**
     * The busiest threads between two samples, busiest first: {name, tid, cores, share of the process's CPU}.
     * Threads that ended in between are left out (their CPU still counts in the process total).
     */
    static List<Object[]> busiest(Sample a, Sample b, double wallSeconds, int limit) {
        double total = Math.max(1, b.processCpuNanos() - a.processCpuNanos());
        List<Object[]> rows = new ArrayList<>();
        for (ThreadCpu t : b.threads().values()) {
            ThreadCpu before = a.threads().get(t.tid());
            long d = t.cpuNanos() - (before == null ? 0 : before.cpuNanos());
            if (d > 0) {
                rows.add(new Object[] {t.name(), t.tid(), d / 1e9 / wallSeconds, d / total});
            }
        }
        rows.sort((x, y) -> Double.compare((double) y[2], (double) x[2]));
        return rows.size() > limit ? rows.subList(0, limit) : rows;
    }

    private static long cpuNanos(String stat) {
        // fields after the command name, which may hold spaces and parentheses: state is field 3
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
    }

    private static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return 100; // USER_HZ on every Linux architecture we run on
        }
    }
}
