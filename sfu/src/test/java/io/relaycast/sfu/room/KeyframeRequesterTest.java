package io.relaycast.sfu.room;

import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.rtcp.FullIntraRequest;
import io.relaycast.sfu.rtcp.PictureLossIndication;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.rtp.BigEndian;
import org.testng.annotations.AfterClass;
import org.testng.annotations.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static io.relaycast.sfu.room.RoomFixtures.CHROME_VIDEO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.NO_SIGNALING;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Keyframe requests toward a publisher carry PLI, FIR (RFC 5104 section 4.3.1) or both, as its video codec
 * negotiated: FIR only where {@code ccm fir} was offered, with its own sequence number per target SSRC.
 */
public class KeyframeRequesterTest {
    private static final String RR = RtcpPacketType.RECEIVER_REPORT + "/0";
    private static final String PLI = RtcpPacketType.PAYLOAD_FEEDBACK + "/" + PictureLossIndication.FORMAT;
    private static final String FIR = RtcpPacketType.PAYLOAD_FEEDBACK + "/" + FullIntraRequest.FORMAT;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterClass(alwaysRun = true)
    public void stop() {
        timer.shutdownNow();
    }

    private Publisher publisher(PublishedTracks tracks, RoomFixtures.RecordingTransport transport) {
        Room room = new Room("s", timer);
        Publisher p = new Publisher("pub", transport, NO_SIGNALING, tracks, room);
        room.setPublisher(p);
        return p;
    }

    /** The packet types of the compound packet the publisher gets for one keyframe request. */
    private List<String> oneRequest(String offer) throws Exception {
        RoomFixtures.RecordingTransport transport = new RoomFixtures.RecordingTransport();
        publisher(RoomFixtures.tracks(offer), transport).sendKeyframeRequest();
        assertEquals(transport.rtcp.size(), 1);
        return PublisherTest.rtcpTypes(transport.rtcp.get(0));
    }

    @Test
    public void firGoesOutOnlyWhereItWasNegotiated() throws Exception {
        String chrome = RoomFixtures.sdp("chrome-offer.sdp");
        assertTrue(chrome.contains("a=rtcp-fb:96 nack pli\r\n") && chrome.contains("a=rtcp-fb:96 ccm fir\r\n"));
        assertEquals(oneRequest(chrome), List.of(RR, PLI, FIR), "both negotiated: both, in one compound packet");
        String noFir = chrome.replaceAll("a=rtcp-fb:\\d+ ccm fir\r\n", "");
        assertEquals(oneRequest(noFir), List.of(RR, PLI), "no ccm fir: no FIR");
        String firOnly = chrome.replaceAll("a=rtcp-fb:\\d+ nack pli\r\n", "");
        assertEquals(oneRequest(firOnly), List.of(RR, FIR), "only ccm fir: FIR alone");
        String neither = noFir.replaceAll("a=rtcp-fb:\\d+ nack pli\r\n", "");
        assertEquals(oneRequest(neither), List.of(RR, PLI), "nothing negotiated: PLI, which every sender knows");
    }

    @Test
    public void theFirBytesFollowRfc5104AndCountPerRequest() throws Exception {
        RoomFixtures.RecordingTransport transport = new RoomFixtures.RecordingTransport();
        Publisher p = publisher(RoomFixtures.chromeTracks(), transport);
        assertEquals(p.debugState().get("keyframeRequest"), "PLI+FIR");
        for (int i = 0; i < 257; i++) {
            p.sendKeyframeRequest();
        }
        assertEquals(transport.rtcp.size(), 257);
        for (int i : new int[] {0, 1, 255, 256}) {
            byte[] d = transport.rtcp.get(i);
            long ourSsrc = BigEndian.u32(d, 4); // the receiver report's SSRC: ours
            int at = 8 + PictureLossIndication.LENGTH; // after the empty RR and the PLI
            assertEquals(d.length, at + FullIntraRequest.LENGTH);
            byte[] expected = new byte[20];
            expected[0] = (byte) 0x84; // V=2, P=0, FMT=4 (RFC 5104 section 4.3.1)
            expected[1] = (byte) 206; // PT=PSFB (RFC 4585 section 6.1)
            expected[3] = 4; // length in 32-bit words minus one: 20 octets
            BigEndian.put32(expected, 4, ourSsrc); // packet sender
            // octets 8-11, the media source SSRC, stay 0 (section 4.3.1.2: the FCI names the target)
            BigEndian.put32(expected, 12, CHROME_VIDEO_SSRC);
            expected[16] = (byte) (i & 0xFF); // Seq nr., one more per new request, modulo 256
            // octets 17-19 reserved, 0
            assertEquals(Arrays.copyOfRange(d, at, at + 20), expected, "FIR of request " + i);

            FullIntraRequest reader = new FullIntraRequest();
            assertTrue(reader.reset(d, at, FullIntraRequest.LENGTH));
            assertEquals(reader.entryCount(), 1);
            assertEquals(reader.entrySsrc(0), CHROME_VIDEO_SSRC);
            PictureLossIndication pli = new PictureLossIndication();
            assertTrue(pli.reset(d, 8, PictureLossIndication.LENGTH));
            assertEquals(pli.mediaSsrc(), CHROME_VIDEO_SSRC);
        }
    }
}
