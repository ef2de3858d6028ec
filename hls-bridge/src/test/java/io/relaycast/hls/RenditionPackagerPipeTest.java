package io.relaycast.hls;

import org.testng.annotations.AfterClass;
import org.testng.annotations.Test;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/**
 * The packager reading its named pipe the way a busy machine delivers it: in short reads, the reader ahead of the
 * writer. A real ffmpeg first writes a fragmented MP4 (the ladder's own output options) to a file; the test then
 * trickles it into the pipe in small chunks with pauses, so nearly every read of the packager comes back short.
 * The reader used to fail there ("Illegal seek": BufferedInputStream asks the stream for available() after a short
 * read, and a channel stream over a pipe answers with its position, which a pipe has not), close the pipe and kill
 * ffmpeg with "Broken pipe": no master playlist in the CI runs of the full suite.
 */
public class RenditionPackagerPipeTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterClass(alwaysRun = true)
    public void stop() {
        pool.shutdownNow();
    }

    @Test
    public void shortReadsFromThePipeLoseNothing() throws Exception {
        Path dir = Files.createTempDirectory("pipe");
        Path fmp4 = dir.resolve("source.mp4");
        List<String> cmd = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-f", "lavfi", "-i", "sine=f=440:sample_rate=48000",
                "-t", "4"));
        HlsConfig config = LlHlsPackagerTest.config();
        cmd.addAll(LadderCommand.output(config, config.renditions().get(0), false, "0:v", "1:a", fmp4));
        Process ffmpeg = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(ffmpeg.getInputStream().readAllBytes());
        assertEquals(ffmpeg.waitFor(), 0, log);
        byte[] bytes = Files.readAllBytes(fmp4);

        PartTracker tracker = new PartTracker(1, 0.334, 6, 3000, pool, seq -> RenditionPackager.partName("pipe01", seq));
        List<Integer> segments = new ArrayList<>();
        RenditionPackager packager = new RenditionPackager("test", dir, "pipe01", 1, tracker,
                () -> segments.add(1), () -> { });
        packager.makeFifo();
        Thread reader = new Thread(packager, "packager");
        reader.start();
        try (OutputStream out = new FileOutputStream(packager.fifo().toFile())) {
            for (int off = 0; off < bytes.length; off += 997) { // odd chunks: box headers split across reads too
                out.write(bytes, off, Math.min(997, bytes.length - off));
                out.flush();
                if ((off / 997) % 8 == 0) {
                    Thread.sleep(1); // the reader catches up and its next read comes back short
                }
            }
        } catch (IOException e) {
            throw new AssertionError("the packager closed its pipe before the end (ffmpeg would die: Broken pipe)", e);
        }
        reader.join(5000);
        assertFalse(reader.isAlive(), "the packager ends at the end of the pipe");
        assertTrue(packager.init() != null, "the init segment was read");
        // 4 s of 1 s segments: three closed while reading, the last one closed at the end of the pipe
        assertTrue(packager.segmentsDone() >= 4, "segments from the trickled pipe: " + packager.segmentsDone());
        assertEquals(segments.size(), packager.segmentsDone() - 1, "every segment but the last was announced");
        assertTrue(Files.isRegularFile(dir.resolve(packager.initName())));
        String playlist = tracker.playlist();
        assertTrue(playlist != null && playlist.contains("#EXT-X-PART:"), String.valueOf(playlist));
    }

    /**
     * Bad input: a box whose size field is impossible (above the 64 MiB bound, or below its own header) cannot be
     * framed, so nothing after it is read as media; but the pipe is drained to its end, so the writer (ffmpeg, which
     * writes every rendition from one process) never gets "Broken pipe", and the reader ends when the writer does.
     */
    @Test
    public void aBoxThatCannotBeFramedIsDrainedNotAClosedPipe() throws Exception {
        for (long badSize : new long[] {0xFFFF_FFF0L, 3}) {
            Path dir = Files.createTempDirectory("pipe-bad");
            PartTracker tracker = new PartTracker(1, 0.334, 6, 3000, pool, seq -> RenditionPackager.partName("bad001", seq));
            RenditionPackager packager = new RenditionPackager("test", dir, "bad001", 1, tracker, () -> { }, () -> { });
            packager.makeFifo();
            Thread reader = new Thread(packager, "packager-bad");
            reader.start();
            byte[] header = {(byte) (badSize >>> 24), (byte) (badSize >>> 16), (byte) (badSize >>> 8), (byte) badSize,
                    'm', 'o', 'o', 'f'};
            byte[] tail = new byte[64 * 1024];
            try (OutputStream out = new FileOutputStream(packager.fifo().toFile())) {
                out.write(header);
                for (int i = 0; i < 32; i++) { // 2 MiB after it: far more than the pipe holds, so it must be read
                    out.write(tail);
                }
            } catch (IOException e) {
                throw new AssertionError("box size " + badSize + ": the packager closed its pipe (ffmpeg would die)", e);
            }
            reader.join(5000);
            assertFalse(reader.isAlive(), "box size " + badSize + ": the packager ends with the writer");
            assertTrue(packager.init() == null, "nothing was taken for an init segment");
            assertEquals(tracker.playlist(), null, "no part was listed from a stream it could not frame");
        }
    }
}
