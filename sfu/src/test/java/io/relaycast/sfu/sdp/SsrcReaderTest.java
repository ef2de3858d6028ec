package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.StreamSsrcs;

import static org.testng.Assert.assertEquals;

import java.util.List;
import org.testng.annotations.Test;

public class SsrcReaderTest {

    private static MediaDescription video(String attributes) throws SdpException {
        String sdp = "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n" + attributes;
        return new SdpParser().parse(sdp).media().get(0);
    }

    @Test
    public void pairsMediaWithRtxThroughFidGroups() throws SdpException {
        MediaDescription section = video("a=ssrc-group:FID 10 11\r\na=ssrc:10 cname:x\r\na=ssrc:11 cname:x\r\n");
        assertEquals(SsrcReader.streams(section), List.of(new StreamSsrcs(10, 11)));
        assertEquals(SsrcReader.cname(section), "x");
    }

    @Test
    public void ordersLayersByTheSimGroup() throws SdpException {
        // Legacy SSRC simulcast (SDP munging): SIM lists layers low to high, FID pairs each with its RTX.
        MediaDescription section = video("a=ssrc-group:SIM 30 10 20\r\na=ssrc-group:FID 10 11\r\n"
                + "a=ssrc-group:FID 20 21\r\na=ssrc-group:FID 30 31\r\na=ssrc:10 cname:x\r\na=ssrc:11 cname:x\r\n"
                + "a=ssrc:20 cname:x\r\na=ssrc:21 cname:x\r\na=ssrc:30 cname:x\r\na=ssrc:31 cname:x\r\n");
        assertEquals(SsrcReader.streams(section),
                List.of(new StreamSsrcs(30, 31), new StreamSsrcs(10, 11), new StreamSsrcs(20, 21)));
    }

    @Test
    public void firefoxStyleGroupsAfterSourcesAndSourcesWithoutRtx() throws SdpException {
        MediaDescription section = video("a=ssrc:5 cname:{a}\r\na=ssrc:6 cname:{a}\r\na=ssrc:7 cname:{a}\r\n"
                + "a=ssrc-group:FID 5 6\r\n");
        assertEquals(SsrcReader.streams(section), List.of(new StreamSsrcs(5, 6), new StreamSsrcs(7, 0)));
    }

    @Test
    public void msidFallsBackToTheSsrcAttribute() throws SdpException {
        MediaDescription section = video("a=ssrc:5 cname:c\r\na=ssrc:5 msid:stream track\r\n");
        assertEquals(SsrcReader.msid(section).orElseThrow(), new Msid("stream", "track"));
        assertEquals(SsrcReader.msid(video("a=msid:s t\r\na=ssrc:5 msid:x y\r\n")).orElseThrow(), new Msid("s", "t"));
        assertEquals(SsrcReader.msid(video("a=rtcp-mux\r\n")).isPresent(), false);
    }
}
