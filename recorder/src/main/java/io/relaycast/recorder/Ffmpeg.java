package io.relaycast.recorder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs ffmpeg and ffprobe. Every process is started with its stderr drained by a daemon thread into a short tail
 * (ffmpeg blocks when its stderr pipe is full, and the tail is what explains a failure), and every process is
 * ended by its owner: nothing this class starts outlives the JVM's intent.
 */
public final class Ffmpeg {
    private static final int TAIL_LINES = 20;
    /** Unplanned exits of a long-running ffmpeg mid-stream, by purpose ({@code recording}, {@code hls}). */
    private static final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> CRASHES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Ffmpeg() {
    }

    /** Counts an ffmpeg that died mid-stream (restarted or given up on), for {@code relaycast_ffmpeg_restarts_total}. */
    public static void countCrash(String purpose) {
        CRASHES.computeIfAbsent(purpose, p -> new java.util.concurrent.atomic.LongAdder()).increment();
    }

    /** How many {@link #countCrash} calls {@code purpose} had in this process. */
    public static long crashes(String purpose) {
        java.util.concurrent.atomic.LongAdder a = CRASHES.get(purpose);
        return a == null ? 0 : a.sum();
    }

    /** A running tool with its stderr tail. */
    public static final class Running {
        public final Process process;
        private final Deque<String> tail = new ArrayDeque<>();
        private final Thread drain;

        Running(Process process, String name) {
            this.process = process;
            this.drain = new Thread(() -> drain(process.getErrorStream()), "ffmpeg-log-" + name);
            drain.setDaemon(true);
            drain.start();
        }

        private void drain(InputStream in) {
            try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (tail) {
                        if (tail.size() == TAIL_LINES) {
                            tail.removeFirst();
                        }
                        tail.addLast(line);
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        }

        public String tail() {
            try {
                drain.join(500); // the last lines arrive after the exit
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (tail) {
                return String.join("\n", tail);
            }
        }

        /** SIGTERM (ffmpeg then writes its trailer), SIGKILL after {@code graceMillis}. */
        public void stop(long graceMillis) {
            if (!process.isAlive()) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(graceMillis, TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts a long-running tool; stdout is discarded. @throws IOException when the binary cannot be started */
    public static Running start(List<String> command, Path workDir, String name) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        return new Running(pb.start(), name);
    }

    /** The result of a short command. */
    public record Result(int exitCode, String stdout, String stderrTail) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Largest stdout a short command may print that we keep (ffprobe answers are a few lines). */
    private static final int MAX_STDOUT = 1 << 20;

    /**
     * Runs a short command to its end (killed after {@code timeoutSeconds}). Stdout is read on its own thread: reading
     * it here first would block until the tool closes it, and a hung tool (ffprobe on a stalled input) would hold the
     * caller forever, whatever the timeout.
     */
    public static Result run(List<String> command, long timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(command).start();
        Running r = new Running(p, "run");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Thread reader = new Thread(() -> readBounded(p.getInputStream(), out), "ffmpeg-out");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
                reader.join(500);
                return new Result(-1, stdout(out), "timed out after " + timeoutSeconds + " s");
            }
            reader.join(2_000); // the pipe closes with the process
            return new Result(p.exitValue(), stdout(out), r.tail());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void readBounded(InputStream in, java.io.ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    if (out.size() < MAX_STDOUT) {
                        out.write(buf, 0, Math.min(n, MAX_STDOUT - out.size()));
                    }
                }
            }
        } catch (IOException e) {
            // the process was killed: what was read is kept
        }
    }

    private static String stdout(java.io.ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** The container duration in milliseconds (ffprobe format=duration), or -1 when it cannot be read. */
    public static long durationMillis(String ffprobe, Path file) {
        try {
            Result r = run(List.of(ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0",
                    file.toString()), 30);
            String s = r.stdout().trim();
            return r.ok() && !s.isEmpty() && !s.equals("N/A") ? Math.round(Double.parseDouble(s) * 1000) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The codec names of a file's streams, e.g. [vp8, opus], empty when it cannot be read. */
    public static List<String> streams(String ffprobe, Path file) {
        try {
            Result r = run(List.of(ffprobe, "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                    file.toString()), 30);
            List<String> out = new ArrayList<>();
            if (r.ok()) {
                r.stdout().lines().map(String::trim).filter(l -> !l.isEmpty()).forEach(out::add);
            }
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }
}
