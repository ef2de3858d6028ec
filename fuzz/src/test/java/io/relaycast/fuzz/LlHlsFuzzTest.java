package io.relaycast.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.hls.LlHlsQuery;
import io.relaycast.hls.Mp4Fragments;

/**
 * The LL-HLS inputs: the delivery directives of a playlist request ({@code _HLS_msn}, {@code _HLS_part}, RFC 8216bis
 * §6.2.5), straight from the URL, and the fragmented MP4 boxes the packager reads from ffmpeg (ISO/IEC 14496-12).
 * Contract: the query parser accepts exactly the decimal-integers (a value it accepts is that number) and refuses
 * everything else with IllegalArgumentException (400), _HLS_part without _HLS_msn included; the box parser returns
 * or throws IllegalArgumentException, never reads out of bounds, and reports a non-negative duration.
 */
class LlHlsFuzzTest {
    @FuzzTest(maxDuration = "10m")
    void query(FuzzedDataProvider data) {
        String msn = data.consumeBoolean() ? null : data.consumeString(24);
        String part = data.consumeBoolean() ? null : data.consumeRemainingAsString();
        LlHlsQuery q;
        try {
            q = LlHlsQuery.parse(msn, part);
        } catch (IllegalArgumentException e) {
            boolean digitsOnly = msn != null && msn.matches("[0-9]{1,18}") && (part == null || part.matches("[0-9]{1,18}"));
            assertTrue(!digitsOnly || part != null && Long.parseLong(part) > Integer.MAX_VALUE,
                    "refused a well-formed request: " + msn + " " + part);
            return;
        }
        if (msn == null) {
            assertEquals(null, part, "_HLS_part alone is refused");
            assertEquals(LlHlsQuery.NONE, q);
            return;
        }
        assertTrue(msn.matches("[0-9]+"), "accepted a non-decimal _HLS_msn: " + msn);
        assertEquals(Long.parseLong(msn), q.msn());
        assertEquals(part == null ? -1 : Long.parseLong(part), q.part());
    }

    @FuzzTest(maxDuration = "10m")
    void boxes(FuzzedDataProvider data) {
        int trackId = data.consumeInt(1, 3);
        byte[] init = data.consumeBytes(data.consumeInt(0, 800));
        try {
            Mp4Fragments.Init i = Mp4Fragments.parseInit(init);
            assertTrue(i.videoTrackId() == 0 || i.timescale() > 0);
        } catch (IllegalArgumentException e) {
            // refused
        }
        byte[] moof = data.consumeRemainingAsBytes();
        try {
            Mp4Fragments.Fragment f = Mp4Fragments.parseFragment(moof,
                    new Mp4Fragments.Init(trackId, 90_000, 640, 360, null, 3000, 0x10000));
            assertTrue(f == null || f.durationSeconds() >= 0);
        } catch (IllegalArgumentException e) {
            // refused
        }
    }
}
