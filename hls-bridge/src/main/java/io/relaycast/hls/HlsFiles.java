package io.relaycast.hls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** File work of the live HLS folders. */
final class HlsFiles {
    private HlsFiles() {
    }

    /** Removes {@code p} and all below it; files removed meanwhile by another session are no error. */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(x);
            }
        } catch (UncheckedIOException e) { // the walk met a file another session removed meanwhile
            if (!(e.getCause() instanceof NoSuchFileException)) {
                throw e.getCause();
            }
            deleteTree(p);
        }
    }

    /**
     * The newest complete segment of a rendition as an ffmpeg input: its init segment and the segment joined by the
     * concat protocol (a CMAF segment alone has no moov), or null when there is none on disk.
     */
    static String segmentInput(Path rendition, PartTracker tracker) {
        String[] s = tracker == null ? null : tracker.newestComplete();
        if (s == null) {
            return null;
        }
        Path init = rendition.resolve(s[0]);
        Path seg = rendition.resolve(s[1]);
        return Files.isRegularFile(init) && Files.isRegularFile(seg) ? "concat:" + init + "|" + seg : null;
    }

    /** Writes {@code text} under a temporary name and renames it: a player never reads half a playlist. */
    static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
