package io.relaycast.sfu.room;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.ViewerCodec;
import io.relaycast.sfu.media.ViewerTrack;
import io.relaycast.sfu.sdp.HeaderExtensions;
import java.util.List;
import org.testng.annotations.Test;

public class TrackMappingTest {

    static PublishedTrack publishedVideo() {
        return new PublishedTrack(MediaKind.VIDEO, "1", List.of(
                new NegotiatedCodec(ForwardedCodec.VP8, 96, "VP8", 90000, 0, "", 97, "apt=96", List.of("nack pli")),
                new NegotiatedCodec(ForwardedCodec.H264, 102, "H264", 90000, 0,
                        "packetization-mode=1;profile-level-id=42e01f", -1, "", List.of())),
                List.of(new ExtMap(2, HeaderExtensions.ABS_SEND_TIME), new ExtMap(3, HeaderExtensions.TRANSPORT_WIDE_CC),
                        new ExtMap(4, HeaderExtensions.MID), new ExtMap(13, HeaderExtensions.VIDEO_ORIENTATION)),
                List.of(), List.of(), "s", "t", "c");
    }

    @Test
    public void renumbersPayloadTypesAndExtensionsIntoTheViewersSpace() {
        ViewerTrack viewer = new ViewerTrack(MediaKind.VIDEO, "v", List.of(
                new ViewerCodec(120, ForwardedCodec.VP8, ""),
                new ViewerCodec(126, ForwardedCodec.H264, "packetization-mode=1;profile-level-id=42e01f")),
                List.of(new ExtMap(4, HeaderExtensions.ABS_SEND_TIME), new ExtMap(3, HeaderExtensions.MID),
                        new ExtMap(12, HeaderExtensions.VIDEO_ORIENTATION)));
        TrackMapping m = TrackMapping.between(publishedVideo(), viewer);
        assertEquals(m.payloadType(96), 120);
        assertEquals(m.payloadType(102), 126);
        assertEquals(m.payloadType(97), TrackMapping.DROP, "RTX is not forwarded");
        assertEquals(m.payloadType(111), TrackMapping.DROP);
        assertEquals(m.extensionId(2), 4, "abs-send-time: publisher 2 -> viewer 4");
        assertEquals(m.extensionId(13), 12);
        assertEquals(m.extensionId(4), 0, "mid describes the publisher's section: erased even if the viewer has it");
        assertEquals(m.extensionId(3), 0, "transport-wide sequence numbers belong to the publisher's transport");
        assertEquals(m.extensionId(9), 0);
    }

    @Test
    public void aViewerWithoutThePublishersCodecGetsNothingOfIt() {
        ViewerTrack viewer = new ViewerTrack(MediaKind.VIDEO, "1", List.of(new ViewerCodec(98, ForwardedCodec.VP9, "")),
                List.of());
        TrackMapping m = TrackMapping.between(publishedVideo(), viewer);
        assertTrue(m.isEmpty());
        assertEquals(m.payloadType(96), TrackMapping.DROP);
    }

    @Test
    public void kindsMustMatch() {
        ViewerTrack audio = new ViewerTrack(MediaKind.AUDIO, "0", List.of(new ViewerCodec(111, ForwardedCodec.OPUS, "")),
                List.of());
        expectThrows(IllegalArgumentException.class, () -> TrackMapping.between(publishedVideo(), audio));
    }
}
