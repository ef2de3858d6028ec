package io.relaycast.hls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Turns one rendition's fragmented MP4, as ffmpeg writes it into a named pipe, into LL-HLS files: the init segment
 * ({@code ftyp} + {@code moov}), one part file per fragment ({@code moof} + {@code mdat}, about one part target
 * long: ffmpeg's {@code -frag_duration}, and a new fragment at every keyframe), and one segment file per segment
 * (its parts concatenated, which is a valid CMAF segment). Every file is written under a temporary name and renamed
 * when complete; only then is it given to the {@link PartTracker}, so no playlist names an incomplete file.
 *
 * <p>One thread per rendition reads the pipe and never stops reading until ffmpeg closes it (a reader that stopped
 * would block ffmpeg, and with it every rendition).
 */
final class RenditionPackager implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RenditionPackager.class);
    /** Larger than any fragment of a fraction of a second, or init segment; a bigger box means a broken stream. */
    private static final long MAX_BOX = 64L << 20;

    private final String streamId;
    private final Path dir;
    private final String token;
    private final int generation;
    private final Path fifo;
    private final PartTracker tracker;
    private final Runnable onSegment;
    private final Runnable onCutWithoutKeyframe;
    private final ByteArrayOutputStream segment = new ByteArrayOutputStream(1 << 20);
    private double segmentSeconds;
    private volatile boolean opened;
    private volatile Mp4Fragments.Init init;
    private volatile long peakBitsPerSecond;
    private volatile int segmentsDone;

    /**
     * @param generation the ffmpeg launch this reads (names the init segment: a restarted ffmpeg writes a new one)
     * @param onSegment  told after each complete segment (the session writes the master playlist once all have one)
     * @param onCutWithoutKeyframe told when a segment had to start without a keyframe (a remuxed source's long GOP)
     */
    RenditionPackager(String streamId, Path dir, String token, int generation, PartTracker tracker, Runnable onSegment,
                      Runnable onCutWithoutKeyframe) {
        this.onCutWithoutKeyframe = onCutWithoutKeyframe;
        this.streamId = streamId;
        this.dir = dir;
        this.token = token;
        this.generation = generation;
        this.fifo = dir.resolve("media.fifo");
        this.tracker = tracker;
        this.onSegment = onSegment;
    }

    static String partName(String token, long seq) {
        return String.format(Locale.ROOT, "%s-p%07d.m4s", token, seq);
    }

    static String segmentName(String token, long msn) {
        return String.format(Locale.ROOT, "%s-s%06d.m4s", token, msn);
    }

    String initName() {
        return token + "-init" + generation + ".mp4";
    }

    Path fifo() {
        return fifo;
    }

    Mp4Fragments.Init init() {
        return init;
    }

    int segmentsDone() {
        return segmentsDone;
    }

    /** The highest bitrate of a complete segment so far (the master playlist's BANDWIDTH of a remuxed rendition). */
    long peakBitsPerSecond() {
        return peakBitsPerSecond;
    }

    /** Makes the named pipe ffmpeg writes to (mkfifo(1): Java has no call for it). */
    void makeFifo() throws IOException {
        Files.deleteIfExists(fifo);
        try {
            Process p = new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (p.waitFor() != 0) {
                throw new IOException("mkfifo " + fifo + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted making " + fifo);
        }
    }

    /**
     * Lets a reader still blocked opening the pipe go (ffmpeg died before opening it): opening a FIFO read-write
     * never blocks on Linux, and closing it again leaves the reader at end of file.
     */
    void unblock() {
        if (!opened) {
            try (RandomAccessFile f = new RandomAccessFile(fifo.toFile(), "rw")) {
                f.getFD(); // opened: that is all it takes
            } catch (IOException e) {
                // already gone
            }
        }
    }

    @Override
    public void run() {
        org.slf4j.MDC.put("streamId", streamId);
        // FileInputStream, not Files.newInputStream: the latter's available() asks the channel for its position,
        // which a pipe has not ("Illegal seek"), and BufferedInputStream calls it whenever the pipe gives a short
        // read, so a reader that got ahead of ffmpeg failed, closed the pipe and killed ffmpeg ("Broken pipe")
        try (InputStream in = new BufferedInputStream(new java.io.FileInputStream(fifo.toFile()), 1 << 16)) {
            opened = true;
            try {
                read(in);
            } catch (IOException | RuntimeException e) {
                // a box this packager cannot frame: nothing after it can be trusted, but ffmpeg writes every rendition
                // from one process, so the pipe is drained to its end (a closed pipe kills ffmpeg: "Broken pipe")
                LOG.error("stream {}: HLS rendition {} stopped: {}", streamId, dir.getFileName(), e.toString());
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
        } catch (IOException e) {
            LOG.warn("stream {}: HLS rendition {}: cannot read {}: {}", streamId, dir.getFileName(), fifo, e.getMessage());
        } finally {
            try {
                finishSegment();
            } catch (IOException e) {
                LOG.warn("stream {}: cannot write the last segment of {}: {}", streamId, dir.getFileName(), e.getMessage());
            }
            org.slf4j.MDC.remove("streamId");
        }
    }

    private void read(InputStream in) throws IOException {
        ByteArrayOutputStream initBytes = new ByteArrayOutputStream();
        byte[] moof = null;
        ByteArrayOutputStream pending = new ByteArrayOutputStream(); // fragments without video, for the next part
        boolean broken = false;
        while (true) {
            byte[] box;
            try {
                box = readBox(in);
            } catch (EOFException e) {
                return;
            }
            if (box == null) {
                return;
            }
            if (broken) {
                continue; // drain: ffmpeg must never block on a pipe nobody reads
            }
            try {
                switch (Mp4Fragments.type(box, 0)) {
                    case "ftyp" -> initBytes.write(box);
                    case "moov" -> {
                        initBytes.write(box);
                        byte[] all = initBytes.toByteArray();
                        Mp4Fragments.Init i = Mp4Fragments.parseInit(all);
                        if (i.videoTrackId() == 0) {
                            throw new IllegalArgumentException("no video track in the init segment");
                        }
                        if (tracker.ended()) {
                            continue;
                        }
                        writeAtomically(initName(), all);
                        init = i;
                        tracker.newInit(initName());
                    }
                    case "moof" -> moof = box;
                    case "mdat" -> {
                        if (moof != null && init != null) {
                            Mp4Fragments.Fragment f = Mp4Fragments.parseFragment(moof, init);
                            pending.write(moof);
                            pending.write(box);
                            moof = null;
                            if (f != null) {
                                part(f, pending.toByteArray());
                                pending.reset();
                            }
                        }
                    }
                    default -> {
                        // styp, sidx, free, mfra: not needed for the parts
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable output, or a file that cannot be written (disk full, folder gone): this rendition is
                // done for this ffmpeg, the others go on; the reading goes on too (see run)
                broken = true;
                LOG.error("stream {}: HLS rendition {} unusable until ffmpeg restarts: {}", streamId,
                        dir.getFileName(), e.toString());
            }
        }
    }

    private void part(Mp4Fragments.Fragment f, byte[] bytes) throws IOException {
        if (tracker.ended()) {
            return; // the stream ended: its folder is being removed
        }
        boolean newSegment = tracker.startsSegment(f);
        String closed = null;
        if (newSegment && tracker.hasOpenSegment()) {
            closed = closeSegmentFile();
        }
        long seq = tracker.nextPartSeq();
        String name = partName(token, seq);
        writeAtomically(name, bytes);
        segment.write(bytes);
        segmentSeconds += f.durationSeconds();
        delete(tracker.add(new PartTracker.Part(seq, name, f.durationSeconds(), f.independent()), newSegment, closed));
        if (closed != null) {
            onSegment.run();
        }
        if (newSegment && !f.independent()) {
            onCutWithoutKeyframe.run();
        }
    }

    /** Writes the open segment's file (its parts' bytes) and returns its name. */
    private String closeSegmentFile() throws IOException {
        String name = segmentName(token, tracker.openMsn());
        byte[] bytes = segment.toByteArray();
        writeAtomically(name, bytes);
        if (segmentSeconds > 0.2) {
            peakBitsPerSecond = Math.max(peakBitsPerSecond, (long) (bytes.length * 8 / segmentSeconds));
        }
        segment.reset();
        segmentSeconds = 0;
        segmentsDone++;
        return name;
    }

    private void finishSegment() throws IOException {
        if (!tracker.ended() && tracker.hasOpenSegment() && segment.size() > 0) {
            delete(tracker.closeOpen(closeSegmentFile()));
        }
    }

    /** One whole top-level box (ISO/IEC 14496-12 §4.2), or null at a clean end of stream. */
    private static byte[] readBox(InputStream in) throws IOException {
        byte[] head = in.readNBytes(8);
        if (head.length == 0) {
            return null;
        }
        if (head.length < 8) {
            throw new EOFException("truncated box header");
        }
        long size = Mp4Fragments.u32(head, 0);
        byte[] large = new byte[0];
        if (size == 1) {
            large = in.readNBytes(8);
            if (large.length < 8) {
                throw new EOFException("truncated box header");
            }
            size = (Mp4Fragments.u32(large, 0) << 32) | Mp4Fragments.u32(large, 4);
        }
        int headerLength = 8 + large.length;
        if (size < headerLength || size > MAX_BOX) {
            throw new IOException("box of " + size + " bytes");
        }
        byte[] box = new byte[(int) size];
        System.arraycopy(head, 0, box, 0, 8);
        System.arraycopy(large, 0, box, 8, large.length);
        if (in.readNBytes(box, headerLength, box.length - headerLength) < box.length - headerLength) {
            throw new EOFException("truncated box");
        }
        return box;
    }

    private void writeAtomically(String name, byte[] bytes) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Files of segments that left the playlist (and the grace after it). */
    void delete(List<PartTracker.Segment> gone) {
        for (PartTracker.Segment s : gone) {
            try {
                if (s.uri() != null) {
                    Files.deleteIfExists(dir.resolve(s.uri()));
                }
                for (PartTracker.Part p : s.parts()) {
                    Files.deleteIfExists(dir.resolve(p.uri()));
                }
            } catch (IOException e) {
                LOG.debug("stream {}: cannot delete a segment of {}: {}", streamId, dir.getFileName(), e.getMessage());
            }
        }
    }
}
