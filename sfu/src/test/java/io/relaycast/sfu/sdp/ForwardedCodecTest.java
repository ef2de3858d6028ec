package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ForwardedCodec;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

public class ForwardedCodecTest {

    private static Optional<ForwardedCodec> identify(String rtpmap, String fmtp) throws SdpException {
        return CodecMatcher.identify(RtpMap.parse(rtpmap), fmtp == null ? null : FormatParameters.parse(fmtp));
    }

    @Test
    public void recognisesWhatWeForward() throws SdpException {
        assertEquals(identify("111 opus/48000/2", "111 minptime=10"), Optional.of(ForwardedCodec.OPUS));
        assertEquals(identify("111 OPUS/48000/2", null), Optional.of(ForwardedCodec.OPUS));
        assertEquals(identify("96 VP8/90000", null), Optional.of(ForwardedCodec.VP8));
        assertEquals(identify("98 VP9/90000", "98 profile-id=0"), Optional.of(ForwardedCodec.VP9));
        assertEquals(identify("98 VP9/90000", null), Optional.of(ForwardedCodec.VP9));
        assertEquals(identify("102 H264/90000", "102 packetization-mode=1;profile-level-id=42e01f"),
                Optional.of(ForwardedCodec.H264));
    }

    @Test
    public void refusesWhatWeDoNot() throws SdpException {
        assertEquals(identify("111 opus/48000", null), Optional.empty(), "RFC 7587 requires /2");
        assertEquals(identify("100 VP9/90000", "100 profile-id=2"), Optional.empty());
        assertEquals(identify("107 H264/90000", "107 packetization-mode=0"), Optional.empty());
        assertEquals(identify("107 H264/90000", "107 profile-level-id=42e01f"), Optional.empty(), "absent means 0");
        assertEquals(identify("107 H264/90000", null), Optional.empty());
        assertEquals(identify("45 AV1/90000", null), Optional.empty());
        assertEquals(identify("0 PCMU/8000", null), Optional.empty());
        assertEquals(identify("96 VP8/48000", null), Optional.empty());
    }

    @Test
    public void configurationNames() {
        assertEquals(ForwardedCodec.fromName(" H.264 "), Optional.of(ForwardedCodec.H264));
        assertEquals(ForwardedCodec.fromName("vp8"), Optional.of(ForwardedCodec.VP8));
        assertTrue(ForwardedCodec.fromName("av1").isEmpty());
        SupportedCodecs codecs = SupportedCodecs.fromNames(List.of("opus", "vp9"), false, "42E01F");
        assertTrue(codecs.isEnabled(ForwardedCodec.VP9));
        assertEquals(codecs.preferredH264ProfileLevelId(), "42e01f");
        expectThrows(IllegalArgumentException.class, () -> SupportedCodecs.fromNames(List.of("av1"), true, "42e01f"));
        expectThrows(IllegalArgumentException.class, () -> SupportedCodecs.fromNames(List.of(), true, "42e0"));
    }
}
