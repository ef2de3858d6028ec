package io.relaycast.hls;

import org.testng.annotations.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

/** The LL-HLS playlist state without ffmpeg: segmenting, the playlist text, blocking reload and its errors. */
public class PartTrackerTest {
    private static final double PART = 0.334;

    private static PartTracker tracker(long waitMillis) {
        PartTracker t = new PartTracker(1, PART, 3, waitMillis, Runnable::run, seq -> "tok-p" + seq + ".m4s");
        t.newInit("tok-init1.mp4");
        return t;
    }

    /** Adds one part the way the packager does: asks whether it starts a segment, names the closed one. */
    private static List<PartTracker.Segment> add(PartTracker t, double duration, boolean key) {
        Mp4Fragments.Fragment f = new Mp4Fragments.Fragment(0, duration, key);
        boolean newSegment = t.startsSegment(f);
        String closed = newSegment && t.hasOpenSegment() ? "tok-s" + t.openMsn() + ".m4s" : null;
        long seq = t.nextPartSeq();
        return t.add(new PartTracker.Part(seq, "tok-p" + seq + ".m4s", duration, key), newSegment, closed);
    }

    @Test
    public void segmentsCloseAtKeyframesAndThePlaylistListsPartsAndAHint() {
        PartTracker t = tracker(1000);
        assertNull(t.playlist(), "nothing before the first part");
        for (int i = 0; i < 7; i++) { // keyframe every third part: segments of 3 x 0.333
            add(t, 0.333, i % 3 == 0);
        }
        String p = t.playlist();
        assertTrue(p.startsWith("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:1\n"), p);
        assertTrue(p.contains("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.002,HOLD-BACK=3.000\n"), p);
        assertTrue(p.contains("#EXT-X-PART-INF:PART-TARGET=0.334\n"), p);
        assertTrue(p.contains("#EXT-X-MEDIA-SEQUENCE:0\n"), p);
        assertTrue(p.contains("#EXT-X-MAP:URI=\"tok-init1.mp4\"\n"), p);
        assertTrue(p.contains("#EXT-X-PART:DURATION=0.333,URI=\"tok-p0.m4s\",INDEPENDENT=YES\n"
                + "#EXT-X-PART:DURATION=0.333,URI=\"tok-p1.m4s\"\n"
                + "#EXT-X-PART:DURATION=0.333,URI=\"tok-p2.m4s\"\n#EXTINF:0.999,\ntok-s0.m4s\n"), p);
        assertTrue(p.endsWith("#EXT-X-PART:DURATION=0.333,URI=\"tok-p6.m4s\",INDEPENDENT=YES\n"
                + "#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"tok-p7.m4s\"\n"), p);
        assertFalse(p.contains("tok-s2.m4s"), "the open segment has no URI line yet");
    }

    @Test
    public void aSegmentWithoutKeyframesIsCutBeforeItRoundsAboveTheTarget() {
        PartTracker t = tracker(1000);
        for (int i = 0; i < 6; i++) {
            add(t, 0.333, i == 0);
        }
        String p = t.playlist();
        // 0.333 x 4 = 1.332 rounds to 1; a fifth part would make 1.665, which rounds to 2 > TARGETDURATION
        assertTrue(p.contains("#EXTINF:1.332,\ntok-s0.m4s\n"), p);
        assertTrue(p.contains("URI=\"tok-p4.m4s\"\n"), "a segment starting without a keyframe: not INDEPENDENT\n" + p);
    }

    @Test
    public void theWindowSlidesAndOldFilesAreHandedBackForDeletionAfterAGrace() {
        PartTracker t = tracker(1000);
        int deleted = 0;
        for (int i = 0; i < 3 * 9; i++) {
            for (PartTracker.Segment s : add(t, 0.333, i % 3 == 0)) {
                deleted++;
                assertTrue(s.msn() < 8 - 3 - 2, "deleted segment " + s.msn() + " is out of the window and the grace");
            }
        }
        String p = t.playlist();
        assertTrue(p.contains("#EXT-X-MEDIA-SEQUENCE:5\n"), p); // 0..7 complete, 3 listed, 8 open
        assertEquals(deleted, 3, "segments 0-2 deleted, 3-4 kept for players mid-download");
        assertFalse(p.contains("tok-s4.m4s"));
        assertTrue(p.contains("tok-s5.m4s") && p.contains("tok-s7.m4s"));
        // §4.4.4.9: parts listed only for the last three target durations
        assertFalse(p.contains("tok-p15.m4s"), p);
        assertTrue(p.contains("tok-p18.m4s"), p);
    }

    @Test
    public void aBlockingReloadWaitsForThePartAndAnswersWithIt() throws Exception {
        PartTracker t = tracker(2000);
        add(t, 0.333, true);
        assertTrue(t.await(new LlHlsQuery(0, 0)).isDone(), "part 0 of segment 0 is there");
        CompletableFuture<String> f = t.await(new LlHlsQuery(0, 1));
        assertFalse(f.isDone(), "part 1 is not there yet: held");
        CompletableFuture<String> whole = t.await(new LlHlsQuery(0, -1));
        add(t, 0.333, false);
        assertTrue(f.isDone());
        assertTrue(f.get().contains("tok-p1.m4s"), "the answer lists the part it waited for");
        assertFalse(whole.isDone(), "_HLS_msn alone waits for the whole segment");
        add(t, 0.333, false);
        add(t, 0.333, true); // closes segment 0
        assertTrue(whole.get().contains("tok-s0.m4s"));
        // a part past the end of a segment that closed is answered by the next segment's first part
        CompletableFuture<String> next = t.await(new LlHlsQuery(1, 0));
        assertTrue(next.isDone());
    }

    @Test
    public void tooFarAheadIsRefusedAndALateOneTimesOut() throws Exception {
        PartTracker t = tracker(200);
        add(t, 0.333, true);
        expectThrows(PartTracker.TooFarAhead.class, () -> t.await(new LlHlsQuery(3, 0)));
        // the Advance Part Limit: ceil(3 / 0.334) = 9 parts past the last one
        assertFalse(t.await(new LlHlsQuery(2, 0)).isDone(), "6 parts ahead is allowed");
        expectThrows(PartTracker.TooFarAhead.class, () -> t.await(new LlHlsQuery(0, 11)));
        long start = System.nanoTime();
        ExecutionException e = expectThrows(ExecutionException.class,
                () -> t.await(new LlHlsQuery(0, 1)).get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof TimeoutException, String.valueOf(e.getCause()));
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited >= 190 && waited < 1500, "held for the configured 200 ms, was " + waited);
    }

    @Test
    public void thePreloadHintedPartIsWaitedForOthersAreNot() throws Exception {
        PartTracker t = tracker(2000);
        add(t, 0.333, true);
        assertTrue(t.awaitPart(0).isDone());
        CompletableFuture<String> hinted = t.awaitPart(1);
        assertFalse(hinted.isDone());
        assertNull(t.awaitPart(2), "never hinted: 404 at once");
        add(t, 0.333, false);
        assertTrue(hinted.isDone());
        CompletableFuture<String> pending = t.await(new LlHlsQuery(0, 2));
        t.end();
        ExecutionException e = expectThrows(ExecutionException.class, pending::get);
        assertTrue(e.getCause() instanceof PartTracker.Ended);
    }

    @Test
    public void aNewInitStartsADiscontinuity() {
        PartTracker t = tracker(1000);
        for (int i = 0; i < 4; i++) {
            add(t, 0.333, i % 3 == 0);
        }
        t.closeOpen("tok-s1.m4s");
        t.newInit("tok-init2.mp4");
        add(t, 0.333, true);
        String p = t.playlist();
        assertTrue(p.contains("tok-s1.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"tok-init2.mp4\"\n"
                + "#EXT-X-PART:DURATION=0.333,URI=\"tok-p4.m4s\",INDEPENDENT=YES\n"), p);
        assertThrows(IllegalArgumentException.class, () -> LlHlsQuery.parse(null, "1"));
    }

    @Test
    public void theQueryParser() {
        assertEquals(LlHlsQuery.parse(null, null), LlHlsQuery.NONE);
        assertEquals(LlHlsQuery.parse("12", null), new LlHlsQuery(12, -1));
        assertEquals(LlHlsQuery.parse("12", "3"), new LlHlsQuery(12, 3));
        for (String bad : new String[] {"", "-1", "1.5", "0x10", " 1", "1234567890123456789"}) {
            assertThrows(IllegalArgumentException.class, () -> LlHlsQuery.parse(bad, null));
            assertThrows(IllegalArgumentException.class, () -> LlHlsQuery.parse("1", bad));
        }
    }
}
