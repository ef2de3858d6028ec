package io.relaycast.recorder;

import org.testng.annotations.Test;

import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/** {@link Ffmpeg#run}'s timeout holds even when the tool keeps its stdout open and never ends (a hung ffprobe). */
public class FfmpegTest {
    @Test(timeOut = 20_000)
    public void aHungToolIsKilledAtItsTimeout() throws Exception {
        long t0 = System.nanoTime();
        // prints, then hangs with stdout open: the old code blocked in readAllBytes() for the full 60 s
        Ffmpeg.Result r = Ffmpeg.run(List.of("sh", "-c", "echo partial; exec sleep 60"), 1);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(r.exitCode(), -1);
        assertTrue(r.stderrTail().contains("timed out"), r.stderrTail());
        assertEquals(r.stdout().trim(), "partial", "what it printed before hanging is kept");
        assertTrue(ms < 8_000, "returned after " + ms + " ms for a 1 s timeout");
        assertFalse(r.ok());
    }

    @Test(timeOut = 20_000)
    public void aQuickToolGivesItsOutputAndExitCode() throws Exception {
        Ffmpeg.Result r = Ffmpeg.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), 10);
        assertEquals(r.exitCode(), 3);
        assertEquals(r.stdout().trim(), "out");
        assertTrue(r.stderrTail().contains("err"), r.stderrTail());
    }
}
