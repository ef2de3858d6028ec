package io.relaycast.rtmp.media;

import org.testng.annotations.Test;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

/** Rates per second of media time (not of arrival), the keyframe interval, warnings, and quiet after 2.5 s. */
public class IngestHealthTest {
    @Test
    public void ratesFollowMediaTimeEvenWhenTagsArriveInBursts() {
        IngestHealth h = new IngestHealth(4000);
        long wall = 1_000_000;
        for (int i = 0; i <= 90; i++) { // 3 s of 30 fps video, 5,000 octets a frame, keyframe every 2 s
            long flv = i * 1000L / 30;
            if (i % 10 == 0) {
                wall += 330; // ten frames at once, as a congested connection delivers them
            }
            h.onVideo(5000, true, i % 60 == 0, flv, wall);
            h.onAudio(400, flv, wall);
        }
        IngestHealth.Reading r = h.read(wall);
        assertEquals(r.fps(), 30.0, 0.5);
        assertEquals(r.bitrateBps(), 30 * 5400 * 8, 30 * 5400 * 8 / 20.0);
        assertEquals(r.keyframeIntervalMs(), Long.valueOf(2000));
        assertTrue(r.warnings().isEmpty());
        assertNull(r.width());
        h.onMetaData(1280, 720.0);
        assertEquals(h.read(wall).width(), Integer.valueOf(1280));
        assertEquals(h.read(wall + 3000).fps(), 0.0, "quiet for 3 s");
    }

    @Test
    public void aLongKeyframeIntervalAndAnOversizeGroupAreWarned() {
        IngestHealth h = new IngestHealth(4000);
        h.onVideo(100, true, true, 0, 0);
        h.onVideo(100, true, true, 6000, 6000);
        h.gopTooLarge(true);
        IngestHealth.Reading r = h.read(6000);
        assertEquals(r.keyframeIntervalMs(), Long.valueOf(6000));
        assertTrue(r.warnings().contains(IngestHealth.KEYFRAME_INTERVAL_TOO_LONG), r.warnings().toString());
        assertTrue(r.warnings().contains(IngestHealth.GOP_LARGER_THAN_CACHE), r.warnings().toString());
    }
}
