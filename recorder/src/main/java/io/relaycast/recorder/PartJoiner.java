package io.relaycast.recorder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Joins a recording's Matroska parts into one seekable MP4 (H.264; audio to AAC) or WebM with a JPEG thumbnail,
 * with ffmpeg's concat demuxer. Used when a stream ends, and at start-up for recordings a crashed server left
 * behind (their parts are readable up to the last flushed cluster).
 */
final class PartJoiner {
    private static final Pattern PART = Pattern.compile("part-(\\d+)\\.mkv");

    private final RecordingConfig config;

    PartJoiner(RecordingConfig config) {
        this.config = config;
    }

    /** What {@link #join} produced. */
    public record Outcome(boolean ok, Path file, String format, long durationMs, long sizeBytes, Path thumbnail,
                          int parts, String error) {
        static Outcome failed(String error) {
            return new Outcome(false, null, null, 0, 0, null, 0, error);
        }
    }

    /** The parts a recording's folder holds, in the order they were written. */
    static List<Path> partsIn(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> PART.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(PartJoiner::number)).toList();
        }
    }

    private static int number(Path p) {
        Matcher m = PART.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
    }

    /** The container for parts found on disk: MP4 when the video is H.264, else WebM. */
    String formatOf(List<Path> parts) {
        for (Path p : parts) {
            List<String> codecs = Ffmpeg.streams(config.ffprobe(), p);
            if (codecs.contains("h264")) {
                return "mp4";
            }
            if (!codecs.isEmpty()) {
                return "webm";
            }
        }
        return "webm";
    }

    Outcome join(Path dir, List<Path> written, String format) {
        List<Path> playable = new ArrayList<>();
        for (Path p : written) {
            // a part cut short (SIGKILL, or SIGTERM in the middle of a cluster) has no duration in its header but
            // its clusters are readable: what counts is that ffprobe finds the streams
            if (p.toFile().length() > 0 && !Ffmpeg.streams(config.ffprobe(), p).isEmpty()) {
                playable.add(p);
            }
        }
        if (playable.isEmpty()) {
            return Outcome.failed("no media was recorded (" + written.size() + " part(s), none playable)");
        }
        Path file = dir.resolve("recording." + format);
        List<String> cmd = new ArrayList<>(List.of(config.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"));
        try {
            if (playable.size() == 1) {
                cmd.addAll(List.of("-i", playable.get(0).toString()));
            } else {
                StringBuilder list = new StringBuilder("ffconcat version 1.0\n");
                for (Path p : playable) {
                    list.append("file '").append(p.getFileName()).append("'\n");
                }
                Path listFile = dir.resolve("parts.ffconcat");
                Files.writeString(listFile, list.toString(), StandardCharsets.UTF_8);
                cmd.addAll(List.of("-f", "concat", "-safe", "0", "-i", listFile.toString()));
            }
            cmd.addAll(List.of("-map", "0", "-c", "copy"));
            if (format.equals("mp4")) {
                // Opus in MP4 is not played everywhere: AAC is; +faststart puts the index first (seek before download)
                cmd.addAll(List.of("-c:a", "aac", "-b:a", "128k", "-movflags", "+faststart"));
            }
            cmd.add(file.toString());
            Ffmpeg.Result r = Ffmpeg.run(cmd, 600);
            if (!r.ok()) {
                return Outcome.failed("joining " + playable.size() + " part(s) failed: " + lastLine(r.stderrTail()));
            }
            long duration = Ffmpeg.durationMillis(config.ffprobe(), file);
            if (duration <= 0) {
                return Outcome.failed("the finished recording is not readable by ffprobe");
            }
            Path thumb = thumbnail(file, duration);
            for (Path p : written) {
                Files.deleteIfExists(p);
                Files.deleteIfExists(Path.of(p.toString().replace(".mkv", ".sdp")));
            }
            Files.deleteIfExists(dir.resolve("parts.ffconcat"));
            return new Outcome(true, file, format, duration, Files.size(file), thumb, playable.size(), null);
        } catch (IOException e) {
            String msg = e.getMessage();
            return Outcome.failed((msg != null && msg.contains("No space left") ? "disk full: " : "") + e);
        }
    }

    private Path thumbnail(Path file, long durationMs) {
        Path thumb = file.resolveSibling("thumbnail.jpg");
        double at = Math.min(2.0, durationMs / 2000.0);
        try {
            Ffmpeg.Result r = Ffmpeg.run(List.of(config.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
                    "-ss", String.format(java.util.Locale.ROOT, "%.3f", at), "-i", file.toString(), "-frames:v", "1",
                    "-vf", "scale=-2:'min(360,ih)'", "-q:v", "4", thumb.toString()), 60);
            return r.ok() && Files.size(thumb) > 0 ? thumb : null;
        } catch (IOException e) {
            return null; // audio-only recordings have none
        }
    }

    static String lastLine(String tail) {
        String[] lines = tail.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
